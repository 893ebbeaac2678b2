import { ConfigError, EngineConfig, loadEngineConfig } from '@app/engagement';
import { CliUsageError } from './cli-errors';

/** The engine config named by `--config`; a config the API would refuse is a usage error. */
export function loadConfigFlag(path: string): EngineConfig {
  try {
    return loadEngineConfig(path);
  } catch (error) {
    if (error instanceof ConfigError) throw new CliUsageError(`--config: ${error.message}`);
    throw error;
  }
}

/** The config of an experiment's variant, if the config has that variant. */
export function variantConfig(
  config: EngineConfig,
  experiment: string,
  variant: string,
): EngineConfig | undefined {
  return config.variants.get(`${experiment}/${variant}`);
}
