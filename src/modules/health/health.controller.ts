import { Controller, Get, Inject, Res, ServiceUnavailableException } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckResult, HealthCheckService, HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import type { Response } from 'express';
import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { appConfig } from '../../infra/config/app.config';
import { PROBE_TIMEOUT_MS, within } from '../../infra/queue/unavailable';
import { REDIS } from '../../infra/redis/redis.module';
import { Public } from '../access/access.decorators';
import { DomainEventRepository } from '../events/domain-event.repository';
import { EventRelay } from '../events/event-relay';
import { HealthDto } from './health.responses';

/**
 * `GET /health`: `database` (PostgreSQL, `SELECT 1`) and `redis` (`PING`), each `up` or `down`
 * with the reason, each answered within 2 s; 200 when both are up, 503 (with the same body)
 * when either is down. `outbox` is information, never a failure: the events committed and not
 * yet relayed to sockets, jobs and sends (`pending`), and what the relay is waiting for during
 * an outage (docs/operations-faults.md).
 *
 * `GET /health/live`: the process answers (no dependency is checked: a restart would not fix
 * them). `GET /health/ready`: database and redis up and the outbox backlog at most
 * READY_MAX_OUTBOX_BACKLOG, 503 otherwise (docs/operations.md).
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
    @Inject(appConfig.KEY) private readonly cfg: ConfigType<typeof appConfig>,
  ) {
    // A failed PING only says it failed; the connection's own last error says why (refused, DNS, auth…).
    redis.on('error', (e: Error) => (this.redisError = e.message));
    redis.on('ready', () => (this.redisError = null));
  }

  private redisError: string | null = null;

  @Get()
  @Public()
  @HealthCheck()
  @ApiOperation({ summary: 'Database and Redis status, with the event outbox backlog as information' })
  @ApiOkResponse({ description: 'database and redis up', type: HealthDto })
  @ApiServiceUnavailableResponse({ description: 'database or redis down: `error` names which, with the reason', type: HealthDto })
  check(@Res({ passthrough: true }) res: Response): Promise<HealthCheckResult> {
    return this.run(res, [() => this.databaseUp(), () => this.redisUp(), () => this.backlog()]);
  }

  @Get('live')
  @Public()
  @ApiOperation({ summary: 'Liveness: the process is up and answering (no dependency is checked)' })
  @ApiOkResponse({ description: 'the process answers', type: HealthDto })
  live(): HealthCheckResult {
    const process_ = { status: 'up' as const, pid: process.pid, uptimeSeconds: Math.round(process.uptime()) };
    return { status: 'ok', info: { process: process_ }, error: {}, details: { process: process_ } };
  }

  @Get('ready')
  @Public()
  @HealthCheck()
  @ApiOperation({ summary: 'Readiness: database and Redis up, event outbox backlog within READY_MAX_OUTBOX_BACKLOG' })
  @ApiOkResponse({ description: 'ready to take traffic', type: HealthDto })
  @ApiServiceUnavailableResponse({ description: 'not ready: `error` names the failed check (database, redis or outbox), with the reason', type: HealthDto })
  ready(@Res({ passthrough: true }) res: Response): Promise<HealthCheckResult> {
    return this.run(res, [() => this.databaseUp(), () => this.redisUp(), () => this.backlogWithin(this.cfg.readyMaxOutboxBacklog)]);
  }

  private async run(res: Response, checks: (() => Promise<HealthIndicatorResult>)[]): Promise<HealthCheckResult> {
    try {
      return await this.health.check(checks);
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
    return { database: result };
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

  /** The outbox as a readiness check: down when its count cannot be read or exceeds `max`. */
  private async backlogWithin(max: number): Promise<HealthIndicatorResult> {
    const indicator = this.indicators.check('outbox');
    let pending: number;
    try {
      pending = await within(this.outbox.pendingCount(), PROBE_TIMEOUT_MS, 'database', 'outbox count');
    } catch (e) {
      return indicator.down({ message: reason(e) });
    }
    return pending <= max ? indicator.up({ pending, max }) : indicator.down({ pending, max, message: `${pending} events wait in the outbox (more than ${max})` });
  }
}

function reason(e: unknown): string {
  const err = e as { message?: string; cause?: { message?: string } };
  return err?.cause?.message ?? err?.message ?? String(e);
}
