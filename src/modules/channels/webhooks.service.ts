import { BadRequestException, ForbiddenException, Injectable, Logger, NotFoundException, UnauthorizedException } from '@nestjs/common';
import { SecretsCipher } from '../../infra/crypto/secrets-cipher';
import { ChannelType } from './channel-account.entity';
import { ChannelAccountRepository, ChannelAccountWithSecrets } from './channel-account.repository';
import { InboundService, IngestResult } from './inbound.service';
import { MalformedPayloadError, ParsedWebhook } from './providers/inbound-event';
import { parseLineWebhook } from './providers/line.parser';
import { parseMetaWebhook } from './providers/meta.parser';
import { verifyLineSignature, verifyMetaSignature } from './providers/signatures';
import { parseWhatsAppWebhook } from './providers/whatsapp.parser';

export type MetaChannel = 'messenger' | 'instagram' | 'whatsapp';
const META_CHANNELS: readonly MetaChannel[] = ['messenger', 'instagram', 'whatsapp'];

/**
 * Webhook pipeline: account → signature over the raw bytes → JSON → provider parser (validates
 * and normalises each event: docs/inbound-validation.md) → one unit of work → 200. Events that
 * can never be stored are recorded as rejected and acknowledged with the rest: the provider
 * stops redelivering them. Only a body that is not the provider's envelope is a 400.
 */
@Injectable()
export class WebhooksService {
  private readonly logger = new Logger('Webhooks');

  constructor(
    private readonly accounts: ChannelAccountRepository,
    private readonly cipher: SecretsCipher,
    private readonly inbound: InboundService,
  ) {}

  async receive(type: ChannelType, accountId: string, raw: Buffer, signature: string | undefined): Promise<IngestResult> {
    const account = await this.account(type, accountId);
    const secret = this.cipher.decrypt(account.secretEnc);
    const valid = type === 'line' ? verifyLineSignature(secret, raw, signature) : verifyMetaSignature([secret], raw, signature);
    if (!valid) throw new UnauthorizedException(`Invalid or missing ${type === 'line' ? 'X-Line-Signature' : 'X-Hub-Signature-256'}`);

    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      throw new BadRequestException('Malformed JSON body');
    }
    let parsed: ParsedWebhook;
    try {
      parsed = this.parse(type, body, account.externalId);
    } catch (e) {
      if (e instanceof MalformedPayloadError) throw new BadRequestException(e.message);
      throw e;
    }
    // Committed: the 200 goes back now; sockets, notifications and sends follow from the recorded events.
    const result = await this.inbound.ingest({ id: account.id, orgId: account.orgId }, parsed.events, parsed.rejected);
    this.logger.debug({ accountId, type, applied: result.applied, skipped: result.skipped, rejected: result.rejected }, 'webhook applied');
    if (result.rejected > 0) this.logger.warn({ accountId, type, rejected: result.rejected, reasons: parsed.rejected.slice(0, 5).map((r) => r.reason) }, 'webhook events rejected');
    return result;
  }

  /** Meta's subscription handshake: echo `hub.challenge` when `hub.verify_token` matches. */
  async verifySubscription(type: string, accountId: string, mode: unknown, token: unknown, challenge: unknown): Promise<string> {
    if (!META_CHANNELS.includes(type as MetaChannel)) throw new NotFoundException('Unknown webhook');
    const account = await this.account(type as MetaChannel, accountId);
    const expected = account.verifyTokenEnc ? this.cipher.decrypt(account.verifyTokenEnc) : null;
    if (mode !== 'subscribe' || typeof token !== 'string' || expected === null || token !== expected || typeof challenge !== 'string') {
      throw new ForbiddenException('Verification token mismatch');
    }
    return challenge;
  }

  private async account(type: ChannelType, id: string): Promise<ChannelAccountWithSecrets> {
    const account = await this.accounts.findForWebhook(type, id);
    if (!account) throw new NotFoundException('Unknown channel account');
    return account;
  }

  private parse(type: ChannelType, body: unknown, externalId: string): ParsedWebhook {
    switch (type) {
      case 'line':
        return parseLineWebhook(body);
      case 'messenger':
        return parseMetaWebhook(body, 'page', externalId);
      case 'instagram':
        return parseMetaWebhook(body, 'instagram', externalId);
      case 'whatsapp':
        return parseWhatsAppWebhook(body, externalId);
    }
  }
}
