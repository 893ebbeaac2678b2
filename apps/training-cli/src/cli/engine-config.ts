import {
  buildEngineConfig,
  ConfigError,
  EngineConfig,
  objectiveMismatch,
  readEngineConfigDocument,
} from '@app/engagement';
import { ModelObjective, ModelSet } from '@app/ml';
import { CliUsageError } from './cli-errors';

/** The config named by `--config`, and the document it was built from, for another thread. */
export interface ConfigFlag {
  readonly config: EngineConfig;
  readonly document: unknown;
}

/** The engine config named by `--config`; a config the API would refuse is a usage error. */
export function readConfigFlag(path: string): ConfigFlag {
  try {
    const document = readEngineConfigDocument(path);
    return { config: buildEngineConfig(document, path), document };
  } catch (error) {
    if (error instanceof ConfigError) throw new CliUsageError(`--config: ${error.message}`);
    throw error;
  }
}

/**
 * The engine config named by `--config`, as readConfigFlag checks it; with `objective`, its
 * `policy.objective` set to that (each experiment variant keeps what it overrides).
 */
export function loadConfigFlag(path: string, objective?: ModelObjective): EngineConfig {
  return configWithObjective(path, objective).config;
}

/** loadConfigFlag's config, with the document it was built from, for another thread. */
export function configWithObjective(path: string, objective?: ModelObjective): ConfigFlag {
  const flag = readConfigFlag(path);
  if (objective === undefined || flag.config.policy.objective === objective) return flag;
  const document = flag.document as Record<string, unknown>;
  const policy = (document.policy ?? {}) as Record<string, unknown>;
  const changed = { ...document, policy: { ...policy, objective } };
  return { config: buildEngineConfig(changed, path), document: changed };
}

/**
 * Refuses a model set the config's `policy.objective` cannot use, as the API refuses to start
 * with one: `flag` names the config's flag.
 */
export function requireServable(
  config: EngineConfig,
  models: ModelSet | undefined,
  flag = '--config',
): void {
  const mismatch = objectiveMismatch(config, models);
  if (mismatch !== undefined) throw new CliUsageError(`${flag}: ${mismatch}`);
}
