import { ENV_NAMES } from './env.config';
import { envWarnings, nearMissOf } from './env-warnings';

describe(nearMissOf.name, () => {
  it.each([
    ['API_KEY', 'API_KEYS'],
    ['api_keys', 'API_KEYS'],
    ['WORKER', 'WORKERS'],
    ['LOGLEVEL', 'LOG_LEVEL'],
    ['LOG_LEVLE', 'LOG_LEVEL'],
    ['MAX_INFLIGHT', 'MAX_IN_FLIGHT'],
    ['RATE_LIMIT_MAXX', 'RATE_LIMIT_MAX'],
    ['CORS_ORIGIN', 'CORS_ORIGINS'],
    ['PROT', 'PORT'],
    ['Port', 'PORT'],
  ])('reads %s as a miss of %s', (name, setting) => {
    expect(nearMissOf(name, ENV_NAMES)).toBe(setting);
  });

  it.each([
    'PORT',
    'PATH',
    'HOME',
    'HOSTNAME',
    'PWD',
    'TERM',
    'LANG',
    'SHLVL',
    'USER',
    'NODE_ENV',
    'NODE_VERSION',
    'YARN_VERSION',
    'NODE_OPTIONS',
    'KUBERNETES_PORT',
    'KUBERNETES_SERVICE_HOST',
    'ENGAGEMENT_INSIGHT_ENGINE_PORT',
    'ENGAGEMENT_INSIGHT_ENGINE_SERVICE_PORT_HTTP',
    'npm_config_cache',
    'npm_lifecycle_event',
    'JEST_WORKER_ID',
  ])('leaves %s alone', (name) => {
    expect(nearMissOf(name, ENV_NAMES)).toBeUndefined();
  });
});

describe(envWarnings.name, () => {
  it('names each near miss whose setting is not set, and a production process without keys', () => {
    expect(
      envWarnings(
        {
          API_KEY: 'k'.repeat(16),
          WORKER: '2',
          WORKERS: '2',
          PATH: '/bin',
          NODE_ENV: 'production',
        },
        ENV_NAMES,
      ),
    ).toEqual([
      'environment variable API_KEY is not a setting and is ignored; did you mean API_KEYS?',
      'NODE_ENV=production and API_KEYS is not set: every client can call the API without a key (set API_KEYS, or REQUIRE_API_KEYS=true to refuse to start without them)',
    ]);
  });

  it('says nothing of a production process with keys, or of keys unset outside production', () => {
    expect(envWarnings({ NODE_ENV: 'production', API_KEYS: 'k'.repeat(16) }, ENV_NAMES)).toEqual(
      [],
    );
    expect(envWarnings({ NODE_ENV: 'development', API_KEYS: ' ' }, ENV_NAMES)).toEqual([]);
    expect(envWarnings({ NODE_ENV: 'production', API_KEYS: ' ' }, ENV_NAMES)).toHaveLength(1);
  });
});
