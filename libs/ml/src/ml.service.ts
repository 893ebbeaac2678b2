import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { loadModelSet, ModelSet, ModelSetError } from './model-set';
import { ML_MODULE_OPTIONS, MlModuleOptions } from './ml.module-definition';
import { tfRuntime } from './tf-runtime';

export type MlMode = 'ml' | 'rules-only';

export interface MlStatus {
  readonly mode: MlMode;
  readonly modelsDir: string;
  readonly modelVersion: string | null;
  readonly models: readonly string[];
  readonly tfjsPackage: string;
  readonly tfjsBackend: string;
  /** Why the models are not served, when they are not: what failed, never where the files are. */
  readonly error?: string;
}

/**
 * Loads the model set at start-up, unless one was already put into service (`serve`). A missing folder, a corrupt file or a model that does not fit
 * the feature contract is logged once and leaves the service in rules-only mode. A reload loads a
 * new set beside the served one (`load`) and whoever decides to serve it swaps it in (`serve`).
 */
@Injectable()
export class MlService implements OnModuleInit {
  private readonly logger = new Logger(MlService.name);
  private modelSet: ModelSet | undefined;
  private loadError: string | undefined;
  /** Set by `serve`: a set put into service before init (one handed over) is not read again. */
  private decided = false;

  constructor(@Inject(ML_MODULE_OPTIONS) private readonly options: MlModuleOptions) {}

  async onModuleInit(): Promise<void> {
    if (this.decided) return;
    try {
      this.serve(await this.load());
    } catch (error) {
      this.serve(undefined, error);
      this.logger.error(`models not loaded, serving rules only: ${(error as Error).message}`);
    }
  }

  /** Reads the models folder as it is now, without touching the set being served. */
  load(): Promise<ModelSet> {
    return loadModelSet(this.options.modelsDir);
  }

  /** Serves `modelSet`, or rules only because of `error`. Synchronous: no request sees half. */
  serve(modelSet: ModelSet | undefined, error?: unknown): void {
    this.decided = true;
    this.modelSet = modelSet;
    // The log names the files; status(), which health endpoints show, only what failed.
    this.loadError =
      modelSet !== undefined
        ? undefined
        : error instanceof ModelSetError
          ? error.reason
          : (error as Error).message;
    if (modelSet !== undefined) {
      this.logger.log(
        `loaded ${modelSet.types.length} models (${modelSet.types.join(', ')}), version ${modelSet.version}, tfjs backend ${tfRuntime().backend}`,
      );
    }
  }

  /** The loaded models, or undefined in rules-only mode. */
  get models(): ModelSet | undefined {
    return this.modelSet;
  }

  status(): MlStatus {
    const runtime = tfRuntime();
    return {
      mode: this.modelSet === undefined ? 'rules-only' : 'ml',
      modelsDir: this.options.modelsDir,
      modelVersion: this.modelSet?.version ?? null,
      models: this.modelSet?.types ?? [],
      tfjsPackage: runtime.packageName,
      tfjsBackend: runtime.backend,
      ...(this.loadError === undefined ? {} : { error: this.loadError }),
    };
  }
}
