import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Logger } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { Job, UnrecoverableError } from 'bullmq';
import { randomUUID } from 'crypto';
import { appConfig } from '../../infra/config/app.config';
import { SecretsCipher } from '../../infra/crypto/secrets-cipher';
import { QueueName } from '../../infra/queue/queues';
import { cleanText, cut, INBOUND_LIMITS } from '../channels/providers/normalise';
import { CustomerRepository } from '../customers/customer.repository';
import { UnitOfWork } from '../events/unit-of-work';
import { AttachmentRepository } from '../media/attachment.repository';
import { storageKeyOf } from '../media/media.processor';
import { FetchError, MediaFetcher } from '../media/media-fetcher';
import { ByteLimit, OBJECT_STORAGE, ObjectStorage } from '../media/storage/object-storage';
import { ProfileRepository, ProfileTarget } from './profile.repository';
import { RefreshCustomerProfileJob } from './refresh-customer-profile.job';

const DAY_MS = 86_400_000;
const AVATAR_MAX_BYTES = 5 * 1024 * 1024;
const TIMEOUT_MS = 15_000;

/**
 * Fetches a customer's display name and profile picture from the provider (LINE
 * `GET /v2/bot/profile/{userId}`; Graph `/{psid}?fields=name,profile_pic`), at most once a day;
 * the picture is stored like an attachment. WhatsApp has no profile API: its name arrives with
 * every webhook (`contacts[].profile.name`). A change records `customer.updated`.
 */
@Processor(QueueName.Profiles, { autorun: false, concurrency: 2 })
export class ProfilesProcessor extends WorkerHost {
  private readonly logger = new Logger('ProfilesProcessor');

  constructor(
    @Inject(appConfig.KEY) private readonly cfg: ConfigType<typeof appConfig>,
    @Inject(OBJECT_STORAGE) private readonly storage: ObjectStorage,
    private readonly uow: UnitOfWork,
    private readonly profiles: ProfileRepository,
    private readonly customers: CustomerRepository,
    private readonly attachments: AttachmentRepository,
    private readonly fetcher: MediaFetcher,
    private readonly cipher: SecretsCipher,
  ) {
    super();
  }

  async process(job: Job<RefreshCustomerProfileJob['data']>): Promise<void> {
    if (job.name !== RefreshCustomerProfileJob.jobName) throw new UnrecoverableError(`unknown job ${job.name}`);
    const { orgId, conversationId } = job.data;
    const target = await this.profiles.target(orgId, conversationId);
    if (!target || (target.profileFetchedAt && Date.now() - target.profileFetchedAt.getTime() < DAY_MS)) return;
    const signal = AbortSignal.timeout(TIMEOUT_MS);
    let profile: { name?: string; pictureUrl?: string } = {};
    try {
      profile = target.channelType === 'whatsapp' ? {} : await this.fetchProfile(target, signal);
    } catch (e) {
      // A profile is a nicety: a refusal (blocked, no permission) is recorded as fetched, not retried all day.
      if (e instanceof FetchError && e.retryable) throw e;
      this.logger.debug(`profile of customer ${target.customerId}: ${(e as Error).message}`);
    }
    let avatarAttachmentId: string | undefined;
    if (profile.pictureUrl) avatarAttachmentId = await this.storeAvatar(orgId, target, profile.pictureUrl, signal).catch(() => undefined);
    await this.uow.run(async () => {
      const name = profile.name ? cleanText(cut(profile.name, INBOUND_LIMITS.label)) : undefined;
      const changed = await this.customers.applyProviderProfile(orgId, target.customerId, { displayName: name, avatarAttachmentId });
      if (changed.length) this.uow.customerChanged(orgId, target.customerId, target.conversationId, changed, null);
    });
  }

  private async fetchProfile(t: ProfileTarget, signal: AbortSignal): Promise<{ name?: string; pictureUrl?: string }> {
    const token = this.cipher.decrypt(t.accessTokenEnc);
    const { lineApiBaseUrl, graphApiBaseUrl, graphApiVersion } = this.cfg.providers;
    const url =
      t.channelType === 'line'
        ? `${lineApiBaseUrl}/v2/bot/profile/${encodeURIComponent(t.externalId)}`
        : `${graphApiBaseUrl}/${graphApiVersion}/${encodeURIComponent(t.externalId)}?fields=name,profile_pic`;
    const opened = await this.fetcher.openUrl(url, signal, { Authorization: `Bearer ${token}` });
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const c of opened.body) {
      size += (c as Buffer).length;
      if (size > 64 * 1024) throw new FetchError('profile answer too large', false);
      chunks.push(c as Buffer);
    }
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
    const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
    return t.channelType === 'line' ? { name: str(body.displayName), pictureUrl: str(body.pictureUrl) } : { name: str(body.name), pictureUrl: str(body.profile_pic) };
  }

  private async storeAvatar(orgId: string, t: ProfileTarget, url: string, signal: AbortSignal): Promise<string> {
    const media = await this.fetcher.openUrl(url, signal);
    const id = randomUUID();
    const key = storageKeyOf(orgId, id);
    const limit = new ByteLimit(AVATAR_MAX_BYTES);
    media.body.on('error', (e) => limit.destroy(e));
    const mimeType = media.contentType ?? 'image/jpeg';
    const { size } = await this.storage.put(key, media.body.pipe(limit), { contentType: mimeType });
    await this.uow.run(() =>
      this.attachments.insertStored(orgId, { id, purpose: 'avatar', direction: 'in', type: 'image', mimeType, size, fileName: null, storageKey: key, customerId: t.customerId, providerRef: { url } }),
    );
    return id;
  }
}
