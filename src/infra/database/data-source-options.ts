import { DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from '../../../migrations';
import { ENTITIES } from './entities';
import { SnakeNamingStrategy } from './snake-naming.strategy';

/**
 * Pool size and bounded waits (milliseconds). A timeout left undefined (or 0) is not set, i.e.
 * PostgreSQL's / pg-pool's default of waiting forever: only the migration runner does that, so
 * a long migration is never cut short. The app passes every one (DATABASE_*_TIMEOUT_MS).
 */
export interface DataSourceTuning {
  poolSize?: number;
  /** pg-pool `connectionTimeoutMillis`: waiting for a free pooled connection, and opening a new one. */
  acquireTimeoutMs?: number;
  /** PostgreSQL `statement_timeout` (SQLSTATE 57014 when hit). */
  statementTimeoutMs?: number;
  /** PostgreSQL `idle_in_transaction_session_timeout` (25P03: the server ends the session). */
  idleInTransactionTimeoutMs?: number;
  /** PostgreSQL `lock_timeout` (55P03 when hit). */
  lockTimeoutMs?: number;
}

/** `extra` is handed to `new pg.Pool(…)` as is: pool options plus the pg client's startup parameters. */
export function poolExtra(tuning: DataSourceTuning = {}): Record<string, number> {
  const size = tuning.poolSize ?? 20;
  // min = max: connections stay open once made (see PoolWarmup).
  const extra: Record<string, number> = { max: size, min: size };
  const set = (key: string, ms: number | undefined) => {
    if (ms !== undefined && ms > 0) extra[key] = ms;
  };
  set('connectionTimeoutMillis', tuning.acquireTimeoutMs);
  // Sent by the pg client as startup parameters, so they hold for every statement of every pooled connection.
  set('statement_timeout', tuning.statementTimeoutMs);
  set('idle_in_transaction_session_timeout', tuning.idleInTransactionTimeoutMs);
  set('lock_timeout', tuning.lockTimeoutMs);
  return extra;
}

export function dataSourceOptions(databaseUrl: string, tuning: DataSourceTuning = {}): DataSourceOptions {
  return {
    type: 'postgres',
    url: databaseUrl,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'typeorm_migrations',
    // Schema changes only ever happen through migrations/.
    synchronize: false,
    migrationsRun: false,
    namingStrategy: new SnakeNamingStrategy(),
    extra: poolExtra(tuning),
  };
}
