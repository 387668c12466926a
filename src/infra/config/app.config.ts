import { registerAs } from '@nestjs/config';
import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Max,
  Min,
  MinLength,
  Validate,
  ValidatorConstraint,
  ValidatorConstraintInterface,
  validateSync,
} from 'class-validator';

@ValidatorConstraint({ name: 'base64Key32' })
class Base64Key32 implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'string' && /^[A-Za-z0-9+/]+={0,2}$/.test(value) && Buffer.from(value, 'base64').length === 32;
  }
  defaultMessage(): string {
    return 'SECRETS_KEY must be 32 bytes encoded as base64 (e.g. `openssl rand -base64 32`)';
  }
}

const toBool = ({ value }: { value: unknown }) =>
  value === undefined || value === '' ? undefined : ['true', '1', 'yes'].includes(String(value).toLowerCase());
const toInt = ({ value }: { value: unknown }) => (value === undefined || value === '' ? undefined : Number(value));
const urlOpts = { require_tld: false, require_protocol: true };
/** Upper bound for the database timeouts (one day); every one of them must be set: nothing waits forever. */
const MAX_TIMEOUT_MS = 86_400_000;

/** The process environment, validated once at boot. Names are the contract of SPEC §10. */
export class EnvironmentVariables {
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(65535)
  PORT: number = 3000;

  @IsOptional() @IsUrl({ ...urlOpts, protocols: ['postgres', 'postgresql'] })
  DATABASE_URL: string = 'postgres://postgres@127.0.0.1:5432/omni_inbox';

  /** PostgreSQL connections per process (API or worker). */
  @IsOptional() @Transform(toInt) @IsInt() @Min(2) @Max(500)
  DATABASE_POOL_SIZE: number = 20;

  /** Longest wait for a pooled connection (or to open one) before the request fails with 503: pg-pool `connectionTimeoutMillis`. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(MAX_TIMEOUT_MS)
  DATABASE_ACQUIRE_TIMEOUT_MS: number = 5000;

  /** PostgreSQL `statement_timeout` of the app's connections (migrations run without one). */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(MAX_TIMEOUT_MS)
  DATABASE_STATEMENT_TIMEOUT_MS: number = 30000;

  /** PostgreSQL `idle_in_transaction_session_timeout`: a transaction left open and idle this long is ended by the server. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(MAX_TIMEOUT_MS)
  DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: number = 30000;

  /** PostgreSQL `lock_timeout`: the longest one statement waits for a row or table lock. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(MAX_TIMEOUT_MS)
  DATABASE_LOCK_TIMEOUT_MS: number = 10000;

  @IsOptional() @IsUrl({ ...urlOpts, protocols: ['redis', 'rediss'] })
  REDIS_URL: string = 'redis://127.0.0.1:6379';

  @IsString() @MinLength(16)
  JWT_SECRET!: string;

  @IsOptional() @IsString()
  JWT_EXPIRES_IN: string = '12h';

  @Validate(Base64Key32)
  SECRETS_KEY!: string;

  @IsOptional() @IsUrl(urlOpts)
  PUBLIC_URL?: string;

  @IsOptional() @Transform(toBool) @IsBoolean()
  SIGNUP_ENABLED: boolean = true;

  @IsOptional() @Transform(toBool) @IsBoolean()
  RUN_WORKERS: boolean = true;

  @IsOptional() @IsUrl(urlOpts)
  LINE_API_BASE_URL: string = 'https://api.line.me';

  @IsOptional() @IsUrl(urlOpts)
  GRAPH_API_BASE_URL: string = 'https://graph.facebook.com';

  @IsOptional() @IsString()
  GRAPH_API_VERSION: string = 'v21.0';

  @IsOptional() @IsUrl({ ...urlOpts, protocols: ['smtp', 'smtps'] })
  SMTP_URL?: string;

  @IsOptional() @IsString()
  SMTP_FROM: string = 'OmniInbox <no-reply@omni-inbox.local>';

  @IsOptional() @IsString()
  VAPID_PUBLIC_KEY?: string;

  @IsOptional() @IsString()
  VAPID_PRIVATE_KEY?: string;

  @IsOptional() @IsString()
  VAPID_SUBJECT?: string;

  /** Key prefix for BullMQ and socket.io adapter keys, so several deployments (or test files) share one Redis. */
  @IsOptional() @IsString()
  REDIS_PREFIX: string = 'omni';

  @IsOptional() @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL: string = 'info';

  @IsOptional() @Transform(toInt) @IsInt() @Min(1)
  LOGIN_THROTTLE_LIMIT: number = 20;

  @IsOptional() @Transform(toInt) @IsInt() @Min(1)
  LOGIN_THROTTLE_TTL_SECONDS: number = 60;

  @IsOptional() @IsString()
  BODY_LIMIT: string = '1mb';

  /** Webhook bodies beyond this answer 413 (WhatsApp batches hold up to 1,000 updates). */
  @IsOptional() @IsString()
  WEBHOOK_BODY_LIMIT: string = '1mb';

  /** Attempts per outbound delivery before it is recorded `failed`. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(50)
  OUTBOUND_ATTEMPTS: number = 5;

  /** First retry delay; doubles each attempt. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1)
  OUTBOUND_BACKOFF_MS: number = 2000;

  /** Socket connection-state recovery window: a socket reconnecting within it gets the events it missed (SPEC §20). */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(3600)
  REALTIME_RECOVERY_SECONDS: number = 120;

  /** How long the process that committed an event has to relay it before any process may (it died, or its relay failed). */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(3600)
  EVENT_RELAY_LEASE_SECONDS: number = 30;

  /** How often each process looks for events whose lease ran out. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(50) @Max(60000)
  EVENT_RELAY_POLL_MS: number = 1000;
}

export interface AppConfig {
  port: number;
  databaseUrl: string;
  databasePoolSize: number;
  /** Bounded waits on the database (milliseconds). */
  databaseTimeouts: { acquireTimeoutMs: number; statementTimeoutMs: number; idleInTransactionTimeoutMs: number; lockTimeoutMs: number };
  redisUrl: string;
  redisPrefix: string;
  jwt: { secret: string; expiresIn: string };
  secretsKey: Buffer;
  publicUrl: string;
  signupEnabled: boolean;
  runWorkers: boolean;
  providers: { lineApiBaseUrl: string; graphApiBaseUrl: string; graphApiVersion: string };
  smtp: { url?: string; from: string };
  vapid: { publicKey?: string; privateKey?: string; subject?: string };
  logLevel: string;
  loginThrottle: { limit: number; ttlMs: number };
  bodyLimit: string;
  webhookBodyLimit: string;
  outbound: { attempts: number; backoffMs: number };
  realtimeRecoveryMs: number;
  eventRelay: { leaseSeconds: number; pollMs: number };
}

export class ConfigValidationError extends Error {}

/** Validates the environment; the error names every offending variable. */
export function loadAppConfig(env: Record<string, string | undefined>): AppConfig {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const vars = plainToInstance(EnvironmentVariables, present, { exposeDefaultValues: true });
  const errors = validateSync(vars, { skipMissingProperties: false });
  if (errors.length > 0) {
    const lines = errors.map((e) => {
      const why = Object.values(e.constraints ?? {}).join('; ');
      return `  ${e.property}: ${e.value === undefined ? 'is missing' : 'is invalid'} (${why})`;
    });
    throw new ConfigValidationError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return {
    port: vars.PORT,
    databaseUrl: vars.DATABASE_URL,
    databasePoolSize: vars.DATABASE_POOL_SIZE,
    databaseTimeouts: {
      acquireTimeoutMs: vars.DATABASE_ACQUIRE_TIMEOUT_MS,
      statementTimeoutMs: vars.DATABASE_STATEMENT_TIMEOUT_MS,
      idleInTransactionTimeoutMs: vars.DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS,
      lockTimeoutMs: vars.DATABASE_LOCK_TIMEOUT_MS,
    },
    redisUrl: vars.REDIS_URL,
    redisPrefix: vars.REDIS_PREFIX,
    jwt: { secret: vars.JWT_SECRET, expiresIn: vars.JWT_EXPIRES_IN },
    secretsKey: Buffer.from(vars.SECRETS_KEY, 'base64'),
    publicUrl: (vars.PUBLIC_URL ?? `http://localhost:${vars.PORT}`).replace(/\/+$/, ''),
    signupEnabled: vars.SIGNUP_ENABLED,
    runWorkers: vars.RUN_WORKERS,
    providers: {
      lineApiBaseUrl: vars.LINE_API_BASE_URL.replace(/\/+$/, ''),
      graphApiBaseUrl: vars.GRAPH_API_BASE_URL.replace(/\/+$/, ''),
      graphApiVersion: vars.GRAPH_API_VERSION,
    },
    smtp: { url: vars.SMTP_URL, from: vars.SMTP_FROM },
    vapid: { publicKey: vars.VAPID_PUBLIC_KEY, privateKey: vars.VAPID_PRIVATE_KEY, subject: vars.VAPID_SUBJECT },
    logLevel: vars.LOG_LEVEL,
    loginThrottle: { limit: vars.LOGIN_THROTTLE_LIMIT, ttlMs: vars.LOGIN_THROTTLE_TTL_SECONDS * 1000 },
    bodyLimit: vars.BODY_LIMIT,
    webhookBodyLimit: vars.WEBHOOK_BODY_LIMIT,
    eventRelay: { leaseSeconds: vars.EVENT_RELAY_LEASE_SECONDS, pollMs: vars.EVENT_RELAY_POLL_MS },
    outbound: { attempts: vars.OUTBOUND_ATTEMPTS, backoffMs: vars.OUTBOUND_BACKOFF_MS },
    realtimeRecoveryMs: vars.REALTIME_RECOVERY_SECONDS * 1000,
  };
}

export const appConfig = registerAs('app', (): AppConfig => loadAppConfig(process.env));
export const APP_CONFIG = appConfig.KEY;
