import { Controller, Get, Header, Headers, Inject, UnauthorizedException } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { timingSafeEqual } from 'crypto';
import { appConfig } from '../../infra/config/app.config';
import { Public } from '../access/access.decorators';
import { MetricsCollector } from './metrics.collector';

/**
 * `GET /metrics` (outside /api/v1), Prometheus text format. No member token: the scraper is no
 * member. When METRICS_TOKEN is set the scraper sends `Authorization: Bearer <METRICS_TOKEN>`
 * (401 otherwise); when it is unset the endpoint is open (keep it off the public network then).
 */
@ApiTags('operations')
@Controller('metrics')
export class MetricsController {
  constructor(
    @Inject(appConfig.KEY) private readonly cfg: ConfigType<typeof appConfig>,
    private readonly collector: MetricsCollector,
  ) {}

  @Get()
  @Public()
  @ApiBearerAuth()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Prometheus metrics of this process (Bearer METRICS_TOKEN when that is set)' })
  @ApiOkResponse({ description: 'Prometheus text exposition format', content: { 'text/plain': { schema: { type: 'string' } } } })
  @ApiUnauthorizedResponse({ description: 'METRICS_TOKEN is set and the request does not carry it' })
  async metrics(@Headers('authorization') authorization?: string): Promise<string> {
    const token = this.cfg.metricsToken;
    if (token && !bearerMatches(authorization, token)) throw new UnauthorizedException('Missing or wrong metrics token');
    return this.collector.scrape();
  }
}

export function bearerMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer\s+(.+)$/i.exec(header?.trim() ?? '');
  if (!m) return false;
  const given = Buffer.from(m[1]);
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
