import { ControlModel, LinearModel, ModelManifest, ModelSet } from '@app/ml/inference';
import { buildEngineConfig } from '../config/engine-config.loader';
import { EngineState } from './analyze-learner';

/**
 * The live state in plain data, for another thread to rebuild it exactly: the config document
 * (validated again there, to the same hash) and the models' weights.
 */
export interface PortableEngineState {
  readonly configDocument: unknown;
  readonly configSource: string;
  readonly models:
    | {
        readonly manifest: ModelManifest;
        readonly models: readonly LinearModel[];
        readonly controls: readonly ControlModel[];
      }
    | undefined;
}

/** Rebuilds a PortableEngineState; the config is checked as on start-up. */
export function engineStateFrom(portable: PortableEngineState): EngineState {
  const { configDocument, configSource, models } = portable;
  return {
    config: buildEngineConfig(configDocument, configSource),
    models:
      models === undefined
        ? undefined
        : new ModelSet(models.manifest, models.models, models.controls),
  };
}
