import { Injectable, OnModuleInit } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

export class SecondConnectionError extends Error {
  constructor() {
    super('A second database connection was requested while this call holds an open transaction');
    this.name = 'SecondConnectionError';
  }
}

interface PoolLike {
  connect(...args: unknown[]): unknown;
  query(...args: unknown[]): unknown;
}

/**
 * A transaction holds one connection; nothing inside it may take a second (with a small pool
 * that is how every connection ends up waiting on another). The pool itself refuses: any
 * `connect` or `query` on it from a call that has a transaction open fails at once, so such
 * a mistake is a test failure, not a hang in production.
 */
@Injectable()
export class TransactionGuard implements OnModuleInit {
  constructor(
    private readonly ds: DataSource,
    private readonly txHost: TransactionHost,
  ) {}

  onModuleInit(): void {
    const pool = (this.ds.driver as PostgresDriver).master as PoolLike | undefined;
    if (!pool || (pool as { __guarded?: boolean }).__guarded) return;
    const txHost = this.txHost;
    const connect = pool.connect.bind(pool);
    const query = pool.query.bind(pool);
    pool.connect = (...args: unknown[]) => {
      if (txHost.isTransactionActive()) return refuse(args);
      return connect(...args);
    };
    pool.query = (...args: unknown[]) => {
      if (txHost.isTransactionActive()) return refuse(args);
      return query(...args);
    };
    (pool as { __guarded?: boolean }).__guarded = true;
  }
}

function refuse(args: unknown[]): unknown {
  const err = new SecondConnectionError();
  const cb = args.find((a) => typeof a === 'function') as ((e: Error) => void) | undefined;
  if (cb) {
    process.nextTick(() => cb(err));
    return undefined;
  }
  return Promise.reject(err);
}
