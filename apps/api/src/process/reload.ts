import { unwatchFile, watchFile } from 'node:fs';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { LiveEngine, ReloadResult } from '@app/engagement';
import { MANIFEST_FILE } from '@app/ml';
import { endSighupQueue } from './early-signals';

export interface ReloadTriggers {
  /** The files a change to which means a reload (the config and the models' manifest). */
  readonly configPath: string;
  readonly modelsDir: string;
  /** CONFIG_WATCH_MS: how often to poll those files; 0 for SIGHUP only. */
  readonly watchMs: number;
  /** Told how every reload ended (the metrics count them). */
  readonly onReload: (result: ReloadResult) => void;
}

/**
 * SIGHUP reloads the config and the models (see LiveEngine: a broken new pair leaves the old one
 * serving); one that came during start-up (see early-signals) reloads them now, so call this once
 * the service is ready. With `watchMs` > 0, a change to the config file or to the models' manifest (which
 * training writes last) does too. The files are polled, not watched with inotify: Kubernetes
 * updates a mounted ConfigMap by swapping a symlink, which a poll of the path follows and an
 * inotify watch on the old file misses. Returns a function that stops listening.
 */
export function reloadOnSignalAndChange(
  live: LiveEngine,
  { configPath, modelsDir, watchMs, onReload }: ReloadTriggers,
): () => void {
  const logger = new Logger('Reload');
  const reload = (why: string) => {
    logger.log(`${why}: reloading the config and the models`);
    void live.reload().then(onReload);
  };
  const onSignal = () => reload('SIGHUP received');
  process.on('SIGHUP', onSignal);
  if (endSighupQueue()) reload('SIGHUP received during start-up');
  const watched = watchMs > 0 ? [configPath, join(modelsDir, MANIFEST_FILE)] : [];
  for (const path of watched) {
    watchFile(path, { interval: watchMs, persistent: false }, (now, before) => {
      if (now.mtimeMs !== before.mtimeMs || now.ino !== before.ino || now.size !== before.size) {
        reload(`${path} changed`);
      }
    });
  }
  return () => {
    process.off('SIGHUP', onSignal);
    for (const path of watched) unwatchFile(path);
  };
}
