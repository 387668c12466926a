import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

/**
 * Opens every pooled connection at boot (the pool never closes them: `min` = `max`).
 * `npm run bench` showed each step up in load stalling for seconds while the pool grew: a new
 * PostgreSQL backend starts with cold catalog caches and every prepared statement unprepared.
 */
@Injectable()
export class PoolWarmup implements OnApplicationBootstrap {
  private readonly logger = new Logger('Database');

  constructor(private readonly ds: DataSource) {}

  async onApplicationBootstrap(): Promise<void> {
    const pool = (this.ds.driver as PostgresDriver).master as {
      options: { max: number };
      connect(): Promise<{ query(sql: string): Promise<unknown>; release(): void }>;
    };
    const clients = await Promise.all(Array.from({ length: pool.options.max }, () => pool.connect()));
    try {
      // Touch the hot tables so each backend loads their catalog entries now, not under load.
      await Promise.all(clients.map((c) => c.query('SELECT 1 FROM conversations, messages, customers, members, units, roles, inbound_events, assignments LIMIT 0')));
    } finally {
      clients.forEach((c) => c.release());
    }
    this.logger.log(`${clients.length} database connections open`);
  }
}
