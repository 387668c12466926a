import { Controller, Get, Inject, Res, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckResult, HealthCheckService, HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import type { Response } from 'express';
import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { PROBE_TIMEOUT_MS, within } from '../../infra/queue/unavailable';
import { REDIS } from '../../infra/redis/redis.module';
import { Public } from '../access/access.decorators';
import { DomainEventRepository } from '../events/domain-event.repository';
import { EventRelay } from '../events/event-relay';

/**
 * `GET /health`: `database` (PostgreSQL, `SELECT 1`) and `redis` (`PING`), each `up` or `down`
 * with the reason, each answered within 2 s; 200 when both are up, 503 (with the same body)
 * when either is down. `outbox` is information, never a failure: the events committed and not
 * yet relayed to sockets, jobs and sends (`pending`), and what the relay is waiting for during
 * an outage (docs/operations-faults.md). `postgres` repeats `database` for older monitors.
 */
@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly ds: DataSource,
    private readonly outbox: DomainEventRepository,
    private readonly relay: EventRelay,
    @Inject(REDIS) private readonly redis: Redis,
  ) {
    // A failed PING only says it failed; the connection's own last error says why (refused, DNS, auth…).
    redis.on('error', (e: Error) => (this.redisError = e.message));
    redis.on('ready', () => (this.redisError = null));
  }

  private redisError: string | null = null;

  @Get()
  @Public()
  @HealthCheck()
  @ApiOkResponse({ description: 'database and redis up' })
  @ApiServiceUnavailableResponse({ description: 'database or redis down: `error` names which, with the reason' })
  async check(@Res({ passthrough: true }) res: Response): Promise<HealthCheckResult> {
    try {
      return await this.health.check([() => this.databaseUp(), () => this.redisUp(), () => this.backlog()]);
    } catch (e) {
      // Terminus throws the result as a 503; the error filter would reduce it to a bare message.
      if (!(e instanceof ServiceUnavailableException)) throw e;
      res.status(503).setHeader('Retry-After', '1');
      return e.getResponse() as HealthCheckResult;
    }
  }

  private async databaseUp(): Promise<HealthIndicatorResult> {
    let result: { status: 'up' } | { status: 'down'; message: string };
    try {
      await within(this.ds.query('SELECT 1'), PROBE_TIMEOUT_MS, 'database', 'SELECT 1');
      result = { status: 'up' };
    } catch (e) {
      result = { status: 'down', message: reason(e) };
    }
    return { database: result, postgres: result };
  }

  private async redisUp(): Promise<HealthIndicatorResult> {
    const indicator = this.indicators.check('redis');
    try {
      const pong = await within(this.redis.ping(), PROBE_TIMEOUT_MS, 'redis', 'PING');
      return pong === 'PONG' ? indicator.up() : indicator.down({ message: `unexpected reply ${pong}` });
    } catch (e) {
      return indicator.down({ message: this.redisError ? `unreachable: ${this.redisError}` : reason(e) });
    }
  }

  private async backlog(): Promise<HealthIndicatorResult> {
    const waitingFor = this.relay.waitingFor();
    const pending = await within(this.outbox.pendingCount(), PROBE_TIMEOUT_MS, 'database', 'outbox count').catch(() => null);
    return this.indicators.check('outbox').up({ pending, ...(waitingFor.length ? { waitingFor } : {}) });
  }
}

function reason(e: unknown): string {
  const err = e as { message?: string; cause?: { message?: string } };
  return err?.cause?.message ?? err?.message ?? String(e);
}
