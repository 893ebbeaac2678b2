import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { Env, validateEnv } from '../apps/api/src/config/env.config';
import { drawUserIdSalt } from '../apps/api/src/logging/user-id-salt';

interface Compose {
  services: Record<
    string,
    {
      environment?: Record<string, string>;
      user?: string;
      ports?: string[];
      healthcheck?: { test: string[] };
    }
  >;
}

/** Settings the compose file ships on purpose with another value than the service's default. */
const SHIPPED = { MANAGEMENT_PORT: '9000', MAX_EVENT_LOOP_DELAY_MS: '250' };

const compose = parse(readFileSync(join(__dirname, '../docker-compose.yml'), 'utf8')) as Compose;

describe('docker-compose.yml', () => {
  it('passes every setting of the API through from the shell or .env, with its default', () => {
    const settings = Object.keys(new Env()).sort();
    const environment = compose.services.api.environment ?? {};
    expect(Object.keys(environment).sort()).toEqual(settings);
    const defaults = new Env() as unknown as Record<string, unknown>;
    for (const name of settings) {
      const fallback = /^\$\{(\w+):-(.*)\}$/.exec(environment[name]);
      expect(fallback?.[1]).toBe(name);
      // Sizes are written as 100kb and 5mb, and lists empty; the rest as the service's default.
      if (name in SHIPPED) expect(fallback?.[2]).toBe(SHIPPED[name as keyof typeof SHIPPED]);
      else if (typeof defaults[name] === 'number' && !/(LIMIT|BYTES_IN_FLIGHT)$/.test(name)) {
        expect(Number(fallback?.[2])).toBe(defaults[name]);
      }
    }
  });

  it('logs user ids hashed by default, with no committed salt: unset, one is drawn per start', () => {
    const environment = compose.services.api.environment ?? {};
    expect(environment.LOG_USER_IDS).toBe('${LOG_USER_IDS:-hash}');
    expect(environment.LOG_USER_ID_SALT).toBe('${LOG_USER_ID_SALT:-}');
    // `docker compose up` with nothing set starts: the empty salt is valid, and main draws one.
    const env: NodeJS.ProcessEnv = { LOG_USER_IDS: 'hash', LOG_USER_ID_SALT: '' };
    expect(validateEnv(env).LOG_USER_ID_SALT).toBe('');
    expect(drawUserIdSalt(env)).toBe(true);
    expect(validateEnv(env).LOG_USER_ID_SALT).toMatch(/^[0-9a-f]{32}$/);
  });

  it('probes /health on the management port, published on loopback only', () => {
    const api = compose.services.api;
    expect(api.healthcheck?.test.join(' ')).toContain(
      "(Number(process.env.MANAGEMENT_PORT) || process.env.PORT || 3000) + '/health'",
    );
    expect(api.ports).toContain(
      '127.0.0.1:${MANAGEMENT_PUBLISHED_PORT:-9000}:${MANAGEMENT_PORT:-9000}',
    );
  });

  it('runs training as a user the shell chooses (the image’s node user when unset)', () => {
    expect(compose.services.training.user).toBe('${TRAINING_UID:-1000}:${TRAINING_GID:-1000}');
  });
});
