import {
  buildEngineConfig,
  ConfigError,
  EngineConfig,
  readEngineConfigDocument,
} from '@app/engagement';
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

/** The engine config named by `--config`, as readConfigFlag checks it. */
export function loadConfigFlag(path: string): EngineConfig {
  return readConfigFlag(path).config;
}
