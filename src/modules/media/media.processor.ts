import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Logger } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { Job, UnrecoverableError } from 'bullmq';
import { appConfig } from '../../infra/config/app.config';
import { SecretsCipher } from '../../infra/crypto/secrets-cipher';
import { QueueName } from '../../infra/queue/queues';
import { MessageRepository } from '../conversations/message.repository';
import { UnitOfWork } from '../events/unit-of-work';
import { AttachmentEntity } from './attachment.entity';
import { AttachmentRepository } from './attachment.repository';
import { FetchAttachmentJob } from './fetch-attachment.job';
import { FetchError, MediaFetcher } from './media-fetcher';
import { ByteLimit, OBJECT_STORAGE, ObjectStorage, TooLargeError } from './storage/object-storage';

export const storageKeyOf = (orgId: string, attachmentId: string) => `${orgId}/${attachmentId}`;

/**
 * Downloads pending attachments into storage, streaming (bounded size and time). Idempotent:
 * an attachment no longer pending is left alone. Each outcome — stored, or failed after the
 * last attempt — updates the attachment and its message in one unit of work, and the
 * message's `message.updated` tells every reader's socket.
 */
@Processor(QueueName.Media, { autorun: false, concurrency: 4 })
export class MediaProcessor extends WorkerHost {
  private readonly logger = new Logger('MediaProcessor');

  constructor(
    @Inject(appConfig.KEY) private readonly cfg: ConfigType<typeof appConfig>,
    @Inject(OBJECT_STORAGE) private readonly storage: ObjectStorage,
    private readonly uow: UnitOfWork,
    private readonly attachments: AttachmentRepository,
    private readonly messages: MessageRepository,
    private readonly fetcher: MediaFetcher,
    private readonly cipher: SecretsCipher,
  ) {
    super();
  }

  async process(job: Job<FetchAttachmentJob['data']>): Promise<void> {
    if (job.name !== FetchAttachmentJob.jobName) throw new UnrecoverableError(`unknown job ${job.name}`);
    const { orgId, attachmentId } = job.data;
    const ctx = await this.attachments.fetchContext(orgId, attachmentId);
    if (!ctx || ctx.attachment.status !== 'pending') return;
    const attempt = job.attemptsMade + 1;
    const key = storageKeyOf(orgId, attachmentId);
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(new Error(`download took longer than ${this.cfg.media.fetchTimeoutMs} ms`)), this.cfg.media.fetchTimeoutMs);
    try {
      const media = await this.fetcher.open(ctx.channelType, this.cipher.decrypt(ctx.accessTokenEnc), ctx.attachment.providerRef, abort.signal);
      const max = this.cfg.media.maxInboundBytes;
      if (media.contentLength !== null && media.contentLength > max) {
        media.body.destroy();
        throw new TooLargeError(max);
      }
      const limit = new ByteLimit(max);
      media.body.on('error', (e) => limit.destroy(e));
      const mimeType = ctx.attachment.mimeType ?? media.contentType ?? 'application/octet-stream';
      const { size } = await this.storage.put(key, media.body.pipe(limit), { contentType: mimeType });
      await this.uow.run(async () => {
        const stored = await this.attachments.markStored(orgId, attachmentId, { storageKey: key, size, mimeType });
        if (stored) await this.patchMessage(stored, { status: 'stored', size, mimeType: stored.mimeType });
      });
    } catch (e) {
      const retryable = e instanceof FetchError ? e.retryable : !(e instanceof TooLargeError);
      const final = !retryable || attempt >= (job.opts.attempts ?? 1);
      const message = e instanceof Error ? e.message : String(e);
      await this.uow.run(async () => {
        const a = await this.attachments.recordFailure(orgId, attachmentId, message, final);
        if (a && final) await this.patchMessage(a, { status: 'failed' });
      });
      this.logger.warn(`download of attachment ${attachmentId} attempt ${attempt} failed${final ? ' (final)' : ''}: ${message}`);
      throw retryable && !final ? e : new UnrecoverableError(message);
    } finally {
      clearTimeout(timer);
    }
  }

  private async patchMessage(a: AttachmentEntity, patch: Record<string, unknown>): Promise<void> {
    if (a.messageId) await this.messages.patchAttachment(a.orgId, a.messageId, a.id, patch);
  }
}
