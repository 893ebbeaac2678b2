import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { MlService, ModelSet } from '@app/ml';
import { EngineState } from '../pipeline/analyze-learner';
import { engineStateFrom, PortableEngineState } from '../pipeline/engine-state';
import { EngineConfig } from '../config/engine-config';
import { objectiveMismatch } from '../config/objective';
import { buildEngineConfig, readEngineConfigDocument } from '../config/engine-config.loader';
import { ENGAGEMENT_OPTIONS, EngagementModuleOptions, HandedOverState } from './engagement.tokens';

/** How a reload ended: what is served now, and why nothing changed when it was refused. */
export type ReloadResult =
  | { readonly ok: true; readonly configHash: string; readonly modelVersion: string | null }
  | {
      readonly ok: false;
      readonly reason: string;
      readonly configHash: string;
      readonly modelVersion: string | null;
    };

/** The last reload, for the health report: when, how it ended, and why it was refused. */
export interface LastReload {
  /** When it ended, as an RFC 3339 time. */
  readonly at: string;
  readonly result: 'ok' | 'refused';
  readonly reason?: string;
}

/**
 * The config and models the engine answers with now. Both are read from disk at start-up (or
 * taken from a handed-over state, `startFrom`) and again on `reload()` (SIGHUP, or a file watch); a reload swaps them together, in one synchronous
 * step, only when the new config is valid and the new models load. A broken config or model set
 * leaves the old pair serving and says why. A request reads `state` once and keeps that object
 * to the end, so it never mixes two configs.
 */
@Injectable()
export class LiveEngine implements OnApplicationBootstrap {
  private readonly logger = new Logger(LiveEngine.name);
  private current: EngineConfig;
  /** The parsed file `current` was validated from. */
  private document: unknown;
  /** The reload reading the files now, and one more asked for while it runs. */
  private running: Promise<ReloadResult> | undefined;
  private queued: Promise<ReloadResult> | undefined;
  private last: LastReload | undefined;

  constructor(
    @Inject(ENGAGEMENT_OPTIONS) private readonly options: EngagementModuleOptions,
    private readonly ml: MlService,
  ) {
    const handed = options.startFrom;
    if (handed === undefined) {
      this.document = readEngineConfigDocument(options.configPath);
      this.current = buildEngineConfig(this.document, options.configPath);
    } else {
      const { config, models } = engineStateFrom(handed.engine);
      this.document = handed.engine.configDocument;
      this.current = config;
      // Before MlService's init, which then leaves the models' folder alone.
      ml.serve(models, models === undefined ? new Error(handed.modelsError) : undefined);
    }
    this.warnDeprecations();
  }

  /**
   * The models are loaded by now (MlService, on module init): a set the config's objective
   * cannot use stops the start, naming the key, rather than serve predictions as what they are not.
   */
  onApplicationBootstrap(): void {
    const mismatch = objectiveMismatch(this.current, this.ml.models);
    if (mismatch !== undefined) {
      throw new Error(`invalid config ${this.options.configPath}: ${mismatch}`);
    }
  }

  get state(): EngineState {
    return { config: this.current, models: this.ml.models };
  }

  get config(): EngineConfig {
    return this.current;
  }

  /** How the last reload ended; undefined before the first. */
  get lastReload(): LastReload | undefined {
    return this.last;
  }

  /** `state` as plain data, for a batch thread; read in the same step as `state`, it matches it. */
  get portable(): PortableEngineState {
    const models = this.ml.models;
    return {
      configDocument: this.document,
      configSource: this.options.configPath,
      models:
        models === undefined
          ? undefined
          : { manifest: models.manifest, models: models.models, controls: models.controls },
    };
  }

  /** What this engine serves, for a process that is to start from it (see `startFrom`). */
  get handOver(): HandedOverState {
    return { engine: this.portable, modelsError: this.ml.status().error };
  }

  /**
   * Re-reads the config and the models. Reloads never overlap: one asked for while another runs
   * starts when it ends (the files may have changed after it read them), and further asks in the
   * meantime share that one.
   */
  reload(): Promise<ReloadResult> {
    if (this.queued !== undefined) return this.queued;
    if (this.running !== undefined) {
      this.queued = this.running.then(() => {
        this.queued = undefined;
        return this.reload();
      });
      return this.queued;
    }
    this.running = this.loadAndSwap()
      .then((result) => {
        this.last = {
          at: new Date().toISOString(),
          result: result.ok ? 'ok' : 'refused',
          ...(!result.ok && { reason: result.reason }),
        };
        return result;
      })
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }

  private async loadAndSwap(): Promise<ReloadResult> {
    let document: unknown;
    let config: EngineConfig;
    try {
      document = readEngineConfigDocument(this.options.configPath);
      config = buildEngineConfig(document, this.options.configPath);
    } catch (error) {
      return this.refuse((error as Error).message);
    }
    let models: ModelSet | undefined;
    let modelsError: unknown;
    try {
      models = await this.ml.load();
    } catch (error) {
      // Served models are never dropped for broken ones; a service already answering with the
      // rules only takes the new config and stays that way.
      if (this.ml.models !== undefined) {
        return this.refuse(`the models cannot be loaded: ${(error as Error).message}`);
      }
      modelsError = error;
    }
    const mismatch = objectiveMismatch(config, models ?? this.ml.models);
    if (mismatch !== undefined) return this.refuse(mismatch);
    const before = this.describe();
    this.current = config;
    this.document = document;
    this.ml.serve(models, modelsError);
    const after = this.describe();
    this.logger.log(
      `reloaded: config ${before.configHash} → ${after.configHash}, models ${before.modelVersion ?? 'none'} → ${after.modelVersion ?? 'none'}${models === undefined ? ` (rules only: ${(modelsError as Error).message})` : ''}`,
    );
    this.warnDeprecations();
    return { ok: true, ...after };
  }

  private refuse(reason: string): ReloadResult {
    const now = this.describe();
    this.logger.error(
      `reload refused, still serving config ${now.configHash} and models ${now.modelVersion ?? 'none'}: ${reason}`,
    );
    return { ok: false, reason, ...now };
  }

  private describe(): { configHash: string; modelVersion: string | null } {
    return { configHash: this.current.hash, modelVersion: this.ml.models?.version ?? null };
  }

  /** Keys that still work but should move are said when a config is taken into service. */
  private warnDeprecations(): void {
    for (const line of this.current.deprecations) this.logger.warn(line);
  }
}
