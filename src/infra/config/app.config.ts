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
  validateSync,
  ValidatorConstraint,
  ValidatorConstraintInterface,
} from 'class-validator';
import { isIP } from 'net';

@ValidatorConstraint({ name: 'base64Key32' })
class Base64Key32 implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'string' && /^[A-Za-z0-9+/]+={0,2}$/.test(value) && Buffer.from(value, 'base64').length === 32;
  }
  defaultMessage(): string {
    return 'SECRETS_KEY must be 32 bytes encoded as base64 (e.g. `openssl rand -base64 32`)';
  }
}

/** `TRUST_PROXY` as express's `trust proxy`: false, a number of hops, or addresses / CIDRs. */
export type TrustProxy = false | number | string[];
const PROXY_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

/** `false`/empty → false; `2` → 2 hops; `10.0.0.0/8, 127.0.0.1, loopback` → that list; anything else (`true` too) → undefined. */
export function parseTrustProxy(value: unknown): TrustProxy | undefined {
  const raw = value === undefined ? '' : String(value).trim();
  if (raw === '' || raw.toLowerCase() === 'false') return false;
  if (/^\d{1,3}$/.test(raw)) return Number(raw) === 0 ? false : Number(raw);
  const items = raw.split(',').map((x) => x.trim()).filter(Boolean);
  const ok = (item: string) => {
    if (PROXY_NAMES.includes(item) || isIP(item) !== 0) return true;
    const m = /^([^/]+)\/(\d{1,3})$/.exec(item);
    return !!m && isIP(m[1]) !== 0 && Number(m[2]) <= (isIP(m[1]) === 4 ? 32 : 128);
  };
  return items.length > 0 && items.every(ok) ? items : undefined;
}

/** `CORS_ORIGINS` → normalised origins (`https://console.example.com`), or undefined when one is not a bare http(s) origin. */
export function parseOrigins(value: unknown): string[] | undefined {
  const items = String(value ?? '').split(',').map((x) => x.trim().replace(/\/+$/, '')).filter(Boolean);
  const origins = items.map((item) => {
    try {
      const u = new URL(item);
      const bare = u.pathname === '/' && !u.search && !u.hash && !u.username && !u.password && !item.includes('/', u.protocol.length + 2);
      return ['http:', 'https:'].includes(u.protocol) && bare ? u.origin : undefined;
    } catch {
      return undefined;
    }
  });
  return origins.length > 0 && origins.every(Boolean) ? [...new Set(origins as string[])] : undefined;
}

@ValidatorConstraint({ name: 'trustProxy' })
class TrustProxySpec implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return parseTrustProxy(value) !== undefined;
  }
  defaultMessage(): string {
    return 'TRUST_PROXY must be false, a number of proxy hops, or a comma-separated list of addresses/CIDRs (`true` would trust any X-Forwarded-For)';
  }
}

@ValidatorConstraint({ name: 'originList' })
class OriginList implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return parseOrigins(value) !== undefined;
  }
  defaultMessage(): string {
    return 'CORS_ORIGINS must be a comma-separated list of origins such as https://console.example.com (scheme, host, optional port; no path, no *)';
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

  /** Login and signup attempts per client address, all accounts together, per window; defaults to 100 (or LOGIN_THROTTLE_LIMIT when higher). */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1)
  LOGIN_THROTTLE_ADDRESS_LIMIT?: number;

  /** Which proxies' X-Forwarded-For is believed for the client address (throttling): false, hops, or addresses/CIDRs. */
  @IsOptional() @Validate(TrustProxySpec)
  TRUST_PROXY: string = 'false';

  /** Browser origins allowed to call the API and open sockets (comma-separated); default: the PUBLIC_URL origin. */
  @IsOptional() @Validate(OriginList)
  CORS_ORIGINS?: string;

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

  /** A socket whose unsent output (engine.io queue + websocket buffer) passes this is dropped as a slow consumer (docs/realtime.md). */
  @IsOptional() @Transform(toInt) @IsInt() @Min(16384) @Max(1073741824)
  REALTIME_MAX_SOCKET_BUFFER_BYTES: number = 1048576;

  /** How long the process that committed an event has to relay it before any process may (it died, or its relay failed). */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(3600)
  EVENT_RELAY_LEASE_SECONDS: number = 30;

  /** How often each process looks for events whose lease ran out. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(50) @Max(60000)
  EVENT_RELAY_POLL_MS: number = 1000;

  /** How often each API process tells Redis which members have sockets on it (presence; docs/routing.md). */
  @IsOptional() @Transform(toInt) @IsInt() @Min(50) @Max(60000)
  PRESENCE_HEARTBEAT_MS: number = 10000;

  /** How often presence is swept for grace periods that ran out and offline assignees to requeue (docs/routing.md). */
  @IsOptional() @Transform(toInt) @IsInt() @Min(50) @Max(300000)
  PRESENCE_SWEEP_MS: number = 5000;

  /** When set, `GET /metrics` requires `Authorization: Bearer <METRICS_TOKEN>`; unset, it is open. */
  @IsOptional() @IsString() @MinLength(16)
  METRICS_TOKEN?: string;

  /** `GET /health/ready` answers 503 while more committed events than this wait in the outbox. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(0)
  READY_MAX_OUTBOX_BACKLOG: number = 10000;

  /** Media (docs/media.md): where attachment bytes live, `fs` (under STORAGE_DIR) or `s3` (any S3-compatible store). */
  @IsOptional() @IsIn(['fs', 's3'])
  STORAGE_DRIVER: string = 'fs';

  @IsOptional() @IsString()
  STORAGE_DIR: string = './storage';

  @IsOptional() @IsUrl(urlOpts)
  S3_ENDPOINT?: string;

  @IsOptional() @IsString()
  S3_BUCKET: string = 'omni-inbox';

  @IsOptional() @IsString()
  S3_REGION: string = 'us-east-1';

  @IsOptional() @IsString()
  S3_ACCESS_KEY_ID?: string;

  @IsOptional() @IsString()
  S3_SECRET_ACCESS_KEY?: string;

  /** LINE's content API host (message content and profile pictures are served from it). */
  @IsOptional() @IsUrl(urlOpts)
  LINE_DATA_API_BASE_URL: string = 'https://api-data.line.me';

  /** Largest upload (POST /attachments): beyond it 413. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1)
  ATTACHMENT_MAX_BYTES: number = 20 * 1024 * 1024;

  /** Largest inbound media file downloaded from a provider; larger ones are recorded `failed`. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1)
  ATTACHMENT_INBOUND_MAX_BYTES: number = 200 * 1024 * 1024;

  /** Lifetime of the signed `PUBLIC_URL/media/<token>` links providers fetch outbound media from. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(7 * 86400)
  MEDIA_URL_TTL_SECONDS: number = 3600;

  /** Attempts of one media download (exponential backoff from MEDIA_FETCH_BACKOFF_MS). */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(50)
  MEDIA_FETCH_ATTEMPTS: number = 5;

  @IsOptional() @Transform(toInt) @IsInt() @Min(1)
  MEDIA_FETCH_BACKOFF_MS: number = 2000;

  /** Longest a single provider download may take before it is aborted (and retried). */
  @IsOptional() @Transform(toInt) @IsInt() @Min(100) @Max(3_600_000)
  MEDIA_FETCH_TIMEOUT_MS: number = 120000;
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
  /** `limit` per client address and account; `addressLimit` per client address, all accounts together. */
  loginThrottle: { limit: number; ttlMs: number; addressLimit: number };
  /** express `trust proxy`: decides `req.ip`, the client address the login throttle counts. */
  trustProxy: TrustProxy;
  /** Origins that get CORS headers on REST and may open socket.io connections. */
  corsOrigins: string[];
  bodyLimit: string;
  webhookBodyLimit: string;
  outbound: { attempts: number; backoffMs: number };
  realtimeRecoveryMs: number;
  realtimeMaxSocketBufferBytes: number;
  eventRelay: { leaseSeconds: number; pollMs: number };
  presence: { heartbeatMs: number; sweepMs: number };
  /** Bearer token of `GET /metrics`; undefined: open. */
  metricsToken?: string;
  /** `GET /health/ready` is 503 above this many events in the outbox. */
  readyMaxOutboxBacklog: number;
  media: {
    driver: 'fs' | 's3';
    dir: string;
    s3: { endpoint?: string; bucket: string; region: string; accessKeyId?: string; secretAccessKey?: string };
    lineDataApiBaseUrl: string;
    maxUploadBytes: number;
    maxInboundBytes: number;
    urlTtlSeconds: number;
    fetchAttempts: number;
    fetchBackoffMs: number;
    fetchTimeoutMs: number;
  };
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
    loginThrottle: {
      limit: vars.LOGIN_THROTTLE_LIMIT,
      ttlMs: vars.LOGIN_THROTTLE_TTL_SECONDS * 1000,
      addressLimit: vars.LOGIN_THROTTLE_ADDRESS_LIMIT ?? Math.max(100, vars.LOGIN_THROTTLE_LIMIT),
    },
    trustProxy: parseTrustProxy(vars.TRUST_PROXY) as TrustProxy,
    corsOrigins: vars.CORS_ORIGINS ? parseOrigins(vars.CORS_ORIGINS)! : [new URL(vars.PUBLIC_URL ?? `http://localhost:${vars.PORT}`).origin],
    bodyLimit: vars.BODY_LIMIT,
    webhookBodyLimit: vars.WEBHOOK_BODY_LIMIT,
    eventRelay: { leaseSeconds: vars.EVENT_RELAY_LEASE_SECONDS, pollMs: vars.EVENT_RELAY_POLL_MS },
    presence: { heartbeatMs: vars.PRESENCE_HEARTBEAT_MS, sweepMs: vars.PRESENCE_SWEEP_MS },
    outbound: { attempts: vars.OUTBOUND_ATTEMPTS, backoffMs: vars.OUTBOUND_BACKOFF_MS },
    realtimeRecoveryMs: vars.REALTIME_RECOVERY_SECONDS * 1000,
    realtimeMaxSocketBufferBytes: vars.REALTIME_MAX_SOCKET_BUFFER_BYTES,
    metricsToken: vars.METRICS_TOKEN,
    readyMaxOutboxBacklog: vars.READY_MAX_OUTBOX_BACKLOG,
    media: {
      driver: vars.STORAGE_DRIVER as 'fs' | 's3',
      dir: vars.STORAGE_DIR,
      s3: { endpoint: vars.S3_ENDPOINT, bucket: vars.S3_BUCKET, region: vars.S3_REGION, accessKeyId: vars.S3_ACCESS_KEY_ID, secretAccessKey: vars.S3_SECRET_ACCESS_KEY },
      lineDataApiBaseUrl: vars.LINE_DATA_API_BASE_URL.replace(/\/+$/, ''),
      maxUploadBytes: vars.ATTACHMENT_MAX_BYTES,
      maxInboundBytes: vars.ATTACHMENT_INBOUND_MAX_BYTES,
      urlTtlSeconds: vars.MEDIA_URL_TTL_SECONDS,
      fetchAttempts: vars.MEDIA_FETCH_ATTEMPTS,
      fetchBackoffMs: vars.MEDIA_FETCH_BACKOFF_MS,
      fetchTimeoutMs: vars.MEDIA_FETCH_TIMEOUT_MS,
    },
  };
}

export const appConfig = registerAs('app', (): AppConfig => loadAppConfig(process.env));
export const APP_CONFIG = appConfig.KEY;
