import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { Job, UnrecoverableError } from 'bullmq';
import { SecretsCipher } from '../../../infra/crypto/secrets-cipher';
import { Db } from '../../../infra/database/db';
import { QueueName } from '../../../infra/queue/queues';
import { MessageRepository } from '../../conversations/message.repository';
import { UnitOfWork } from '../../events/unit-of-work';
import { MediaOutboundService } from '../../media/media-outbound.service';
import { ChannelType } from '../channel-account.entity';
import { DeliverOutboundMessageJob } from './deliver-outbound-message.job';
import { ProviderClient, ProviderSendError } from './provider-client';

interface DeliveryRow {
  status: string;
  text: string | null;
  attachments: Record<string, unknown>[] | null;
  template: { name: string; language: string; components?: unknown[] } | null;
  type: ChannelType;
  external_id: string;
  access_token_enc: string;
  customer_external_id: string;
}

/** Sends queued outbound messages; idempotent (a message already sent or failed is left alone). */
@Processor(QueueName.Outbound, { autorun: false, concurrency: 16 })
export class OutboundProcessor extends WorkerHost {
  private readonly logger = new Logger('OutboundProcessor');

  constructor(
    private readonly db: Db,
    private readonly uow: UnitOfWork,
    private readonly messages: MessageRepository,
    private readonly provider: ProviderClient,
    private readonly cipher: SecretsCipher,
    private readonly media: MediaOutboundService,
  ) {
    super();
  }

  async process(job: Job<DeliverOutboundMessageJob['data']>): Promise<void> {
    if (job.name !== DeliverOutboundMessageJob.jobName) throw new UnrecoverableError(`unknown job ${job.name}`);
    const { orgId, messageId } = job.data;
    const [row]: DeliveryRow[] = await this.db.manager.query(
      `SELECT m.status, m.text, m.attachments, m.template, a.type, a.external_id, a.access_token_enc, cu.external_id AS customer_external_id
         FROM messages m
         JOIN conversations c ON c.org_id = m.org_id AND c.id = m.conversation_id
         JOIN customers cu ON cu.org_id = c.org_id AND cu.id = c.customer_id
         JOIN channel_accounts a ON a.org_id = m.org_id AND a.id = m.channel_account_id
        WHERE m.org_id = $1 AND m.id = $2 AND m.direction = 'out'`,
      [orgId, messageId],
    );
    if (!row || row.status !== 'queued') return;
    const attempt = job.attemptsMade + 1;
    try {
      const { providerMessageId } = await this.provider.sendText({
        type: row.type,
        externalId: row.external_id,
        accessToken: this.cipher.decrypt(row.access_token_enc),
        to: row.customer_external_id,
        text: row.text ?? '',
        idempotencyKey: messageId,
        media: this.media.forDelivery(orgId, row.attachments ?? []),
        ...(row.template ? { template: row.template } : {}),
      });
      // The status change is recorded with its event: every reader of the conversation sees it.
      await this.uow.run(() => this.messages.markSent(orgId, messageId, providerMessageId, attempt));
    } catch (e) {
      const retryable = !(e instanceof ProviderSendError) || e.retryable;
      const final = !retryable || attempt >= (job.opts.attempts ?? 1);
      await this.uow.run(() => this.messages.recordAttempt(orgId, messageId, attempt, (e as Error).message, final));
      this.logger.warn(`delivery of ${messageId} attempt ${attempt} failed${final ? ' (final)' : ''}: ${(e as Error).message}`);
      throw retryable ? e : new UnrecoverableError((e as Error).message);
    }
  }
}
