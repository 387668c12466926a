import { Controller, Get, Header, Headers, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request } from 'express';
import { UuidParamPipe } from '../../infra/http/uuid-param.pipe';
import { Public } from '../access/access.decorators';
import { arrivedAt } from '../metrics/http-metrics.middleware';
import { Metrics } from '../metrics/metrics';
import { IngestResult } from './inbound.service';
import { MetaChannel, WebhooksService } from './webhooks.service';

const rawBody = (req: Request): Buffer => (Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0));
/** `rejected`: events that can never be stored, recorded in `rejected_inbound_events` (acknowledged: a redelivery would fail again). */
const ack = (r: IngestResult) => ({ ok: true, applied: r.applied, duplicates: r.skipped, rejected: r.rejected });

/**
 * Provider webhooks (outside /api/v1). Bodies arrive as raw bytes (see app.setup.ts) so
 * signatures are checked over exactly what the provider signed.
 */
@ApiExcludeController()
@Controller('webhooks')
export class WebhooksController {
  constructor(
    private readonly webhooks: WebhooksService,
    private readonly metrics: Metrics,
  ) {}

  @Post('line/:channelAccountId')
  @Public()
  @HttpCode(200)
  async line(@Param('channelAccountId', UuidParamPipe) id: string, @Req() req: Request, @Headers('x-line-signature') sig?: string) {
    const result = await this.webhooks.receive('line', id, rawBody(req), sig);
    // receive resolves once the ingest transaction has committed: arrival → commit.
    this.metrics.webhookCommitted('line', arrivedAt(req));
    return ack(result);
  }

  @Post('messenger/:channelAccountId')
  @Public()
  @HttpCode(200)
  messenger(@Param('channelAccountId', UuidParamPipe) id: string, @Req() req: Request, @Headers('x-hub-signature-256') sig?: string) {
    return this.meta('messenger', id, req, sig);
  }

  @Post('instagram/:channelAccountId')
  @Public()
  @HttpCode(200)
  instagram(@Param('channelAccountId', UuidParamPipe) id: string, @Req() req: Request, @Headers('x-hub-signature-256') sig?: string) {
    return this.meta('instagram', id, req, sig);
  }

  @Post('whatsapp/:channelAccountId')
  @Public()
  @HttpCode(200)
  whatsapp(@Param('channelAccountId', UuidParamPipe) id: string, @Req() req: Request, @Headers('x-hub-signature-256') sig?: string) {
    return this.meta('whatsapp', id, req, sig);
  }

  @Get(':type/:channelAccountId')
  @Public()
  @Header('Content-Type', 'text/plain; charset=utf-8')
  verify(
    @Param('type') type: string,
    @Param('channelAccountId', UuidParamPipe) id: string,
    @Query('hub.mode') mode: unknown,
    @Query('hub.verify_token') token: unknown,
    @Query('hub.challenge') challenge: unknown,
  ) {
    return this.webhooks.verifySubscription(type, id, mode, token, challenge);
  }

  private async meta(type: MetaChannel, id: string, req: Request, sig: string | undefined) {
    const result = await this.webhooks.receive(type, id, rawBody(req), sig);
    this.metrics.webhookCommitted(type, arrivedAt(req));
    return ack(result);
  }
}
