import { randomBytes } from 'node:crypto';

/**
 * LOG_USER_IDS=hash with no LOG_USER_ID_SALT: draws a random salt for this start and puts it in
 * `env`, so that workers forked from this process inherit it and hash an id alike. The hashes
 * then link a learner's lines within one run only, which is what a service started with no
 * setting at all (`docker compose up`) should log; a salt of one's own keeps them stable across
 * restarts and replicas. Returns whether it drew one.
 */
export function drawUserIdSalt(env: NodeJS.ProcessEnv): boolean {
  if (env.LOG_USER_IDS !== 'hash' || (env.LOG_USER_ID_SALT ?? '') !== '') return false;
  env.LOG_USER_ID_SALT = randomBytes(16).toString('hex');
  return true;
}
