import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { Job, UnrecoverableError } from 'bullmq';
import { DataSource } from 'typeorm';
import { SecretsCipher } from '../../../infra/crypto/secrets-cipher';
import { QueueName } from '../../../infra/queue/queues';
import { MessageRepository } from '../../conversations/message.repository';
import { ChannelType } from '../channel-account.entity';
import { DeliverOutboundMessageJob } from './deliver-outbound-message.job';
import { ProviderClient, ProviderSendError } from './provider-client';
import { RealtimeService } from '../../realtime/realtime.service';

interface DeliveryRow {
  status: string;
  text: string | null;
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
    private readonly ds: DataSource,
    private readonly messages: MessageRepository,
    private readonly provider: ProviderClient,
    private readonly cipher: SecretsCipher,
    private readonly realtime: RealtimeService,
  ) {
    super();
  }

  /** The final status is pushed to everyone who can read the conversation. */
  private async publish(orgId: string, messageId: string): Promise<void> {
    const message = await this.messages.findById(orgId, messageId);
    if (message) await this.realtime.conversationChanged({ orgId, conversationId: message.conversationId, before: null, updatedMessages: [message] });
  }

  async process(job: Job<DeliverOutboundMessageJob['data']>): Promise<void> {
    if (job.name !== DeliverOutboundMessageJob.jobName) throw new UnrecoverableError(`unknown job ${job.name}`);
    const { orgId, messageId } = job.data;
    const [row]: DeliveryRow[] = await this.ds.query(
      `SELECT m.status, m.text, a.type, a.external_id, a.access_token_enc, cu.external_id AS customer_external_id
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
      });
      if (await this.messages.markSent(orgId, messageId, providerMessageId, attempt)) await this.publish(orgId, messageId);
    } catch (e) {
      const retryable = !(e instanceof ProviderSendError) || e.retryable;
      const final = !retryable || attempt >= (job.opts.attempts ?? 1);
      if ((await this.messages.recordAttempt(orgId, messageId, attempt, (e as Error).message, final)) && final) await this.publish(orgId, messageId);
      this.logger.warn(`delivery of ${messageId} attempt ${attempt} failed${final ? ' (final)' : ''}: ${(e as Error).message}`);
      throw retryable ? e : new UnrecoverableError((e as Error).message);
    }
  }
}
