import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsString,
  Max,
  Min,
  MinLength,
  validateSync,
} from 'class-validator';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

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

/** The process environment, validated once at start-up. Names are the variables'. */
export class Env {
  @Transform(toInt)
  @IsInt({ message: 'PORT must be an integer from 0 to 65535' })
  @Min(0, { message: 'PORT must be an integer from 0 to 65535' })
  @Max(65535, { message: 'PORT must be an integer from 0 to 65535' })
  PORT = 3000;

  @IsString()
  @MinLength(1, { message: 'HOST must not be empty' })
  HOST = '0.0.0.0';

  @IsString()
  @MinLength(1, { message: 'CONFIG_PATH must not be empty' })
  CONFIG_PATH = 'config/config.json';

  @IsString()
  @MinLength(1, { message: 'MODELS_DIR must not be empty' })
  MODELS_DIR = 'models';

  @IsIn(LOG_LEVELS, { message: `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}` })
  LOG_LEVEL: (typeof LOG_LEVELS)[number] = 'info';

  @Transform(toBoolean)
  @IsBoolean({ message: 'LOG_PRETTY must be 1/0, true/false, yes/no or on/off' })
  LOG_PRETTY = false;

  // Decorators run bottom-up: the type check first, then the bounds.
  @Transform(toBytes)
  @Max(1024 * 1024 * 1024, { message: 'BODY_LIMIT must be at most 1024mb' })
  @Min(1, { message: 'BODY_LIMIT must be a size such as 100kb, 1mb or 102400' })
  @IsInt({ message: 'BODY_LIMIT must be a size such as 100kb, 1mb or 102400' })
  BODY_LIMIT = 100 * 1024;
}

export class EnvError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid environment: ${problems.join('; ')}`);
    this.name = 'EnvError';
  }
}

/** For ConfigModule's `validate`: returns the typed, frozen settings or throws EnvError. */
export function validateEnv(raw: Record<string, unknown>): Env {
  const known = Object.keys(new Env());
  const present = Object.fromEntries(
    known.filter((k) => raw[k] !== undefined).map((k) => [k, raw[k]]),
  );
  const env = plainToInstance(Env, present);
  const problems = validateSync(env, { stopAtFirstError: true }).flatMap((error) =>
    Object.values(error.constraints ?? {}).slice(0, 1),
  );
  if (problems.length > 0) throw new EnvError(problems);
  return Object.freeze(env);
}
