// First: SIGHUP during the seconds the imports below take must not kill the process.
import './process/early-signals';
import cluster from 'node:cluster';
// Only light modules here: with WORKERS > 1 this process is the supervisor, which must stay
// small (tens of MB, not a second copy of the server); the server is ./serve, loaded below
// only by a process that serves.
import { type Env, ENV_NAMES, validateEnv } from './config/env.config';
import { envWarnings } from './config/env-warnings';
import { superviseManagement } from './health/management.cluster';
import { drawUserIdSalt } from './logging/user-id-salt';
import { superviseWorkers } from './process/cluster';
import { failStart } from './process/start-failure';

async function serve(): Promise<void> {
  const server = await import('./serve');
  await server.serve();
}

function main(): void {
  if (cluster.isPrimary) {
    // Before any worker is forked: they inherit it.
    if (drawUserIdSalt(process.env)) {
      process.stderr.write(
        'LOG_USER_IDS=hash without LOG_USER_ID_SALT: user ids are hashed with a random salt for this run\n',
      );
    }
    // Once, before the workers start: a misspelt name would otherwise be ignored in silence.
    for (const line of envWarnings(process.env, ENV_NAMES)) {
      process.stderr.write(`warning: ${line}\n`);
    }
    let env: Env;
    try {
      env = validateEnv(process.env);
      if (env.WORKERS > 1) {
        if (env.MANAGEMENT_PORT > 0) superviseManagement(env);
        return superviseWorkers(env);
      }
    } catch (error) {
      failStart(error);
    }
  }
  serve().catch(failStart);
}

main();
