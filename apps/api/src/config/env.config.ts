import { isIP } from 'node:net';
import type { DecisionLogRequest } from '@app/engagement';
import { plainToInstance, Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  IsBoolean,
  IsIn,
  IsInt,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  ValidateBy,
  ValidateIf,
  validateSync,
} from 'class-validator';

import { DECISION_LOG_FORMS, parseDecisionLogTarget } from './decision-log-target';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const USER_ID_LOGGING = ['raw', 'hash'] as const;
export const HTTP_ADAPTERS = ['express', 'fastify'] as const;
/** DECISION_LOG_REQUEST's choices: see decisionLineOf in @app/engagement. */
const DECISION_LOG_REQUEST = [
  'full',
  'features',
  'none',
] as const satisfies readonly DecisionLogRequest[];
export type HttpAdapterName = (typeof HTTP_ADAPTERS)[number];

const SIZE = /^(\d+)\s*(b|kb|mb)?$/i;
const UNIT_BYTES: Record<string, number> = { b: 1, kb: 1024, mb: 1024 * 1024 };

/** `100kb`, `5mb` or a byte count; anything else stays a string and fails IsInt by name. */
function toBytes({ value }: { value: unknown }): unknown {
  if (typeof value !== 'string') return value;
  const match = SIZE.exec(value.trim());
  return match === null ? value : Number(match[1]) * UNIT_BYTES[(match[2] ?? 'b').toLowerCase()];
}

function toInt({ value }: { value: unknown }): unknown {
  return typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
}

function toBoolean({ value }: { value: unknown }): unknown {
  if (typeof value !== 'string') return value;
  const v = value.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(v)) return true;
  if (['0', 'false', 'no', 'off', ''].includes(v)) return false;
  return value;
}

/** A comma-separated list; blanks are dropped, so an empty variable is an empty list. */
function toList({ value }: { value: unknown }): unknown {
  if (typeof value !== 'string') return value;
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/** A hop count, or addresses and CIDR blocks (`10.0.0.0/8`, `fd00::/8`, `192.0.2.7`). */
function isProxyTrust(value: unknown): boolean {
  if (!Array.isArray(value)) return false;
  if (value.length === 1 && /^\d+$/.test(String(value[0]))) return Number(value[0]) <= 16;
  return value.every((entry) => {
    const [address, bits, ...rest] = String(entry).split('/');
    const version = isIP(address);
    if (version === 0 || rest.length > 0) return false;
    return bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= (version === 4 ? 32 : 128));
  });
}

function isDecisionLogTarget(value: unknown): boolean {
  return typeof value === 'string' && parseDecisionLogTarget(value) !== undefined;
}

const size = (name: string) => `${name} must be a size such as 100kb, 5mb or 102400`;
const flag = (name: string) => `${name} must be 1/0, true/false, yes/no or on/off`;
const int = (name: string, min: number, max: number) =>
  `${name} must be an integer from ${min} to ${max}`;

/**
 * The process environment, validated once at start-up; a bad value stops the start with the
 * variable's name. class-validator runs a property's decorators bottom-up, so each type check
 * sits below its bounds.
 */
export class Env {
  @Max(65535, { message: int('PORT', 0, 65535) })
  @Min(0, { message: int('PORT', 0, 65535) })
  @IsInt({ message: int('PORT', 0, 65535) })
  @Transform(toInt)
  PORT = 3000;

  /** The HTTP framework under Nest: express (the default) or fastify (more throughput). */
  @IsIn(HTTP_ADAPTERS, { message: `HTTP_ADAPTER must be one of ${HTTP_ADAPTERS.join(', ')}` })
  HTTP_ADAPTER: HttpAdapterName = 'express';

  @MinLength(1, { message: 'HOST must not be empty' })
  @IsString()
  HOST = '0.0.0.0';

  @MinLength(1, { message: 'CONFIG_PATH must not be empty' })
  @IsString()
  CONFIG_PATH = 'config/config.json';

  @MinLength(1, { message: 'MODELS_DIR must not be empty' })
  @IsString()
  MODELS_DIR = 'models';

  /**
   * Polls CONFIG_PATH and the models' manifest this often and reloads both when either changes
   * (as SIGHUP does); 0 leaves reloads to SIGHUP.
   */
  @Max(3_600_000, { message: int('CONFIG_WATCH_MS', 0, 3_600_000) })
  @Min(0, { message: int('CONFIG_WATCH_MS', 0, 3_600_000) })
  @IsInt({ message: int('CONFIG_WATCH_MS', 0, 3_600_000) })
  @Transform(toInt)
  CONFIG_WATCH_MS = 0;

  /** Readiness (/health/ready) fails until the models are loaded. */
  @IsBoolean({ message: flag('REQUIRE_MODELS') })
  @Transform(toBoolean)
  REQUIRE_MODELS = false;

  @IsIn(LOG_LEVELS, { message: `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}` })
  LOG_LEVEL: (typeof LOG_LEVELS)[number] = 'info';

  @IsBoolean({ message: flag('LOG_PRETTY') })
  @Transform(toBoolean)
  LOG_PRETTY = false;

  /** `hash` logs a salted SHA-256 of user_id instead of the id itself. */
  @IsIn(USER_ID_LOGGING, { message: `LOG_USER_IDS must be one of ${USER_ID_LOGGING.join(', ')}` })
  LOG_USER_IDS: (typeof USER_ID_LOGGING)[number] = 'raw';

  /** Empty: main.ts draws a random one per start (drawUserIdSalt). */
  @MinLength(16, {
    message:
      'LOG_USER_ID_SALT must be at least 16 characters (or unset, for a random salt per start) when LOG_USER_IDS=hash',
  })
  @IsString()
  @ValidateIf((env: Env) => env.LOG_USER_IDS === 'hash' && env.LOG_USER_ID_SALT !== '')
  LOG_USER_ID_SALT = '';

  @Max(1024 * 1024 * 1024, { message: 'BODY_LIMIT must be at most 1024mb' })
  @Min(1, { message: size('BODY_LIMIT') })
  @IsInt({ message: size('BODY_LIMIT') })
  @Transform(toBytes)
  BODY_LIMIT = 100 * 1024;

  @Max(1024 * 1024 * 1024, { message: 'BATCH_BODY_LIMIT must be at most 1024mb' })
  @Min(1, { message: size('BATCH_BODY_LIMIT') })
  @IsInt({ message: size('BATCH_BODY_LIMIT') })
  @Transform(toBytes)
  BATCH_BODY_LIMIT = 5 * 1024 * 1024;

  @Max(100_000, { message: int('BATCH_MAX_ITEMS', 1, 100_000) })
  @Min(1, { message: int('BATCH_MAX_ITEMS', 1, 100_000) })
  @IsInt({ message: int('BATCH_MAX_ITEMS', 1, 100_000) })
  @Transform(toInt)
  BATCH_MAX_ITEMS = 1000;

  /** Requests answered at once per process, probes and /metrics aside; beyond it 503. 0: no bound. */
  @Max(100_000, { message: int('MAX_IN_FLIGHT', 0, 100_000) })
  @Min(0, { message: int('MAX_IN_FLIGHT', 0, 100_000) })
  @IsInt({ message: int('MAX_IN_FLIGHT', 0, 100_000) })
  @Transform(toInt)
  MAX_IN_FLIGHT = 128;

  /**
   * Batch body bytes answered at once per process (by Content-Length); beyond it 503. 0: no
   * bound. One full 5 MB batch of 9,846 learners took a process from about 135 to 339 MB of
   * RSS, so the default lets one such batch in at a time.
   */
  @Max(1024 * 1024 * 1024, { message: 'MAX_BATCH_BYTES_IN_FLIGHT must be at most 1024mb' })
  @Min(0, { message: size('MAX_BATCH_BYTES_IN_FLIGHT') })
  @IsInt({ message: size('MAX_BATCH_BYTES_IN_FLIGHT') })
  @Transform(toBytes)
  MAX_BATCH_BYTES_IN_FLIGHT = 5 * 1024 * 1024;

  /**
   * Requests are refused while the event loop runs this many ms late (hundreds of sockets
   * waiting to be read); 0: never. Off by default: a test or a batch on the event loop may
   * block it on purpose.
   */
  @Max(60_000, { message: int('MAX_EVENT_LOOP_DELAY_MS', 0, 60_000) })
  @Min(0, { message: int('MAX_EVENT_LOOP_DELAY_MS', 0, 60_000) })
  @IsInt({ message: int('MAX_EVENT_LOOP_DELAY_MS', 0, 60_000) })
  @Transform(toInt)
  MAX_EVENT_LOOP_DELAY_MS = 0;

  /**
   * A second listener for /health, /health/ready and /metrics only, outside admission control,
   * so probes answer whatever the load on PORT; 0 serves them on PORT only.
   */
  @Max(65535, { message: int('MANAGEMENT_PORT', 0, 65535) })
  @Min(0, { message: int('MANAGEMENT_PORT', 0, 65535) })
  @IsInt({ message: int('MANAGEMENT_PORT', 0, 65535) })
  @Transform(toInt)
  MANAGEMENT_PORT = 0;

  /** Where the management listener binds; empty: HOST. */
  @IsString({ message: 'MANAGEMENT_HOST must be a host name or address' })
  MANAGEMENT_HOST = '';

  /** Comma-separated keys; when set, every route but /health* needs one in `x-api-key`. */
  @Matches(/^[\x21-\x7e]{16,256}$/, {
    each: true,
    message: 'API_KEYS must be a comma-separated list of printable keys of 16 to 256 characters',
  })
  @ArrayMaxSize(100, { message: 'API_KEYS may list at most 100 keys' })
  @Transform(toList)
  API_KEYS: string[] = [];

  /** Refuse to start without API_KEYS (the Kubernetes base sets it: its keys come from a Secret). */
  @IsBoolean({ message: flag('REQUIRE_API_KEYS') })
  @Transform(toBoolean)
  REQUIRE_API_KEYS = false;

  /** /docs, /docs-json and /metrics without a key even when API_KEYS is set. */
  @IsBoolean({ message: flag('PUBLIC_DOCS') })
  @Transform(toBoolean)
  PUBLIC_DOCS = false;

  @Max(86_400_000, { message: int('RATE_LIMIT_TTL', 1, 86_400_000) })
  @Min(1, { message: int('RATE_LIMIT_TTL', 1, 86_400_000) })
  @IsInt({ message: int('RATE_LIMIT_TTL', 1, 86_400_000) })
  @Transform(toInt)
  RATE_LIMIT_TTL = 60_000;

  /** Requests per RATE_LIMIT_TTL milliseconds per API key (or client IP); 0 turns it off. */
  @Max(10_000_000, { message: int('RATE_LIMIT_MAX', 0, 10_000_000) })
  @Min(0, { message: int('RATE_LIMIT_MAX', 0, 10_000_000) })
  @IsInt({ message: int('RATE_LIMIT_MAX', 0, 10_000_000) })
  @Transform(toInt)
  RATE_LIMIT_MAX = 0;

  /** Clients (keys and addresses) each limiter tracks; past it the least recently seen are forgotten. */
  @Max(10_000_000, { message: int('RATE_LIMIT_CLIENTS', 2, 10_000_000) })
  @Min(2, { message: int('RATE_LIMIT_CLIENTS', 2, 10_000_000) })
  @IsInt({ message: int('RATE_LIMIT_CLIENTS', 2, 10_000_000) })
  @Transform(toInt)
  RATE_LIMIT_CLIENTS = 50_000;

  /** With API_KEYS, failed key checks per client address per minute before 429; 0 turns it off. */
  @Max(1_000_000, { message: int('AUTH_FAILURE_MAX', 0, 1_000_000) })
  @Min(0, { message: int('AUTH_FAILURE_MAX', 0, 1_000_000) })
  @IsInt({ message: int('AUTH_FAILURE_MAX', 0, 1_000_000) })
  @Transform(toInt)
  AUTH_FAILURE_MAX = 30;

  /**
   * Whose X-Forwarded-For is believed for the client address: empty, nobody (the socket's
   * peer); a hop count; or comma-separated proxy addresses and CIDR blocks.
   */
  @ValidateBy(
    { name: 'proxyTrust', validator: { validate: isProxyTrust } },
    {
      message:
        'TRUST_PROXY must be a hop count from 0 to 16 or comma-separated addresses and CIDR blocks such as 10.0.0.0/8',
    },
  )
  @Transform(toList)
  TRUST_PROXY: string[] = [];

  /** Comma-separated allowed origins (`*` for any); empty leaves CORS off. */
  @Matches(/^(\*|https?:\/\/[^\s,/]+)$/, {
    each: true,
    message: 'CORS_ORIGINS must be * or comma-separated origins such as https://app.example.com',
  })
  @Transform(toList)
  CORS_ORIGINS: string[] = [];

  /**
   * Worker threads per process that parse, answer and serialize batches, off the event loop;
   * 0 answers batches on the event loop. Started on the first batch.
   */
  @Max(64, { message: int('BATCH_THREADS', 0, 64) })
  @Min(0, { message: int('BATCH_THREADS', 0, 64) })
  @IsInt({ message: int('BATCH_THREADS', 0, 64) })
  @Transform(toInt)
  BATCH_THREADS = 2;

  /**
   * Worker threads per process that parse, validate, answer and serialize single requests, off
   * the event loop; 0 answers them on the event loop. Started with the first request.
   */
  @Max(64, { message: int('ANALYZE_THREADS', 0, 64) })
  @Min(0, { message: int('ANALYZE_THREADS', 0, 64) })
  @IsInt({ message: int('ANALYZE_THREADS', 0, 64) })
  @Transform(toInt)
  ANALYZE_THREADS = 1;

  /** Processes sharing the port (node:cluster); 1 runs the server in this process. */
  @Max(64, { message: int('WORKERS', 1, 64) })
  @Min(1, { message: int('WORKERS', 1, 64) })
  @IsInt({ message: int('WORKERS', 1, 64) })
  @Transform(toInt)
  WORKERS = 1;

  @Max(600_000, { message: int('SHUTDOWN_TIMEOUT_MS', 0, 600_000) })
  @Min(0, { message: int('SHUTDOWN_TIMEOUT_MS', 0, 600_000) })
  @IsInt({ message: int('SHUTDOWN_TIMEOUT_MS', 0, 600_000) })
  @Transform(toInt)
  SHUTDOWN_TIMEOUT_MS = 10_000;

  /** A request's head and body must have arrived within this, or it is answered 408. */
  @Max(600_000, { message: int('REQUEST_TIMEOUT_MS', 1000, 600_000) })
  @Min(1000, { message: int('REQUEST_TIMEOUT_MS', 1000, 600_000) })
  @IsInt({ message: int('REQUEST_TIMEOUT_MS', 1000, 600_000) })
  @Transform(toInt)
  REQUEST_TIMEOUT_MS = 30_000;

  /**
   * How long the service keeps serving after SIGTERM, with readiness failing, before it stops
   * accepting: set it to the time a load balancer takes to stop sending (Kubernetes: the
   * endpoint propagation time, a few seconds).
   */
  @Max(600_000, { message: int('SHUTDOWN_DELAY_MS', 0, 600_000) })
  @Min(0, { message: int('SHUTDOWN_DELAY_MS', 0, 600_000) })
  @IsInt({ message: int('SHUTDOWN_DELAY_MS', 0, 600_000) })
  @Transform(toInt)
  SHUTDOWN_DELAY_MS = 0;

  /** Where the service writes a line per decision: off, file:PATH or a collector's URL. */
  @ValidateBy(
    {
      name: 'decisionLogTarget',
      validator: { validate: (value: unknown) => isDecisionLogTarget(value) },
    },
    { message: `DECISION_LOG must be ${DECISION_LOG_FORMS}` },
  )
  DECISION_LOG = 'off';

  /** How much of the request each decision line keeps: full, features or none. */
  @IsIn(DECISION_LOG_REQUEST, {
    message: `DECISION_LOG_REQUEST must be one of ${DECISION_LOG_REQUEST.join(', ')}`,
  })
  DECISION_LOG_REQUEST: DecisionLogRequest = 'full';

  /** `file:`: the size at which the next file is begun. */
  @Max(1024 * 1024 * 1024, { message: 'DECISION_LOG_MAX_BYTES must be at most 1024mb' })
  @Min(1024, { message: 'DECISION_LOG_MAX_BYTES must be at least 1kb' })
  @IsInt({ message: size('DECISION_LOG_MAX_BYTES') })
  @Transform(toBytes)
  DECISION_LOG_MAX_BYTES = 64 * 1024 * 1024;

  /** A collector: a batch is posted this often at the latest. */
  @Max(600_000, { message: int('DECISION_LOG_FLUSH_MS', 10, 600_000) })
  @Min(10, { message: int('DECISION_LOG_FLUSH_MS', 10, 600_000) })
  @IsInt({ message: int('DECISION_LOG_FLUSH_MS', 10, 600_000) })
  @Transform(toInt)
  DECISION_LOG_FLUSH_MS = 1000;

  /** A collector: a batch is posted as soon as this many bytes of lines wait. */
  @Max(64 * 1024 * 1024, { message: 'DECISION_LOG_BATCH_BYTES must be at most 64mb' })
  @Min(1024, { message: 'DECISION_LOG_BATCH_BYTES must be at least 1kb' })
  @IsInt({ message: size('DECISION_LOG_BATCH_BYTES') })
  @Transform(toBytes)
  DECISION_LOG_BATCH_BYTES = 1024 * 1024;

  /** Lines held while the collector (or the disk) is behind; the oldest are dropped beyond it. */
  @Max(4 * 1024 * 1024 * 1024, { message: 'DECISION_LOG_BUFFER_BYTES must be at most 4096mb' })
  @Min(1024, { message: 'DECISION_LOG_BUFFER_BYTES must be at least 1kb' })
  @IsInt({ message: size('DECISION_LOG_BUFFER_BYTES') })
  @Transform(toBytes)
  DECISION_LOG_BUFFER_BYTES = 64 * 1024 * 1024;

  /** A collector: one POST's time limit. */
  @Max(600_000, { message: int('DECISION_LOG_TIMEOUT_MS', 100, 600_000) })
  @Min(100, { message: int('DECISION_LOG_TIMEOUT_MS', 100, 600_000) })
  @IsInt({ message: int('DECISION_LOG_TIMEOUT_MS', 100, 600_000) })
  @Transform(toInt)
  DECISION_LOG_TIMEOUT_MS = 10_000;
}

export class EnvError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid environment: ${problems.join('; ')}`);
    this.name = 'EnvError';
  }
}

/** For ConfigModule's `validate`: the typed, frozen settings, or an EnvError naming each variable. */
/** Every environment variable the service reads. */
export const ENV_NAMES: readonly string[] = Object.freeze(Object.keys(new Env()));

export function validateEnv(raw: Record<string, unknown>): Env {
  const known = ENV_NAMES;
  const present = Object.fromEntries(
    known.filter((key) => raw[key] !== undefined).map((key) => [key, raw[key]]),
  );
  const env = plainToInstance(Env, present);
  const problems = validateSync(env, { stopAtFirstError: true }).flatMap((error) =>
    Object.values(error.constraints ?? {}).slice(0, 1),
  );
  if (problems.length === 0 && env.REQUIRE_API_KEYS && env.API_KEYS.length === 0) {
    problems.push('API_KEYS must be set: REQUIRE_API_KEYS is true');
  }
  if (problems.length === 0 && env.DECISION_LOG_BUFFER_BYTES < 2 * env.DECISION_LOG_BATCH_BYTES) {
    problems.push(
      'DECISION_LOG_BUFFER_BYTES must be at least twice DECISION_LOG_BATCH_BYTES: a batch is posted while the next one fills',
    );
  }
  if (problems.length > 0) throw new EnvError(problems);
  return Object.freeze(env);
}
