import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Logger } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { Job, UnrecoverableError } from 'bullmq';
import { createTransport, Transporter } from 'nodemailer';
import * as webpush from 'web-push';
import { appConfig } from '../../infra/config/app.config';
import { QueueName } from '../../infra/queue/queues';
import { ViewerRepository } from '../access/viewer.repository';
import { ConversationRepository } from '../conversations/conversation.repository';
import { UnitOfWork } from '../events/unit-of-work';
import { DeliverNotificationEmailJob, DeliverNotificationPushJob, TransferTimeoutJob } from './notification.jobs';
import { describe } from './notification.presenter';
import { NotificationRepository } from './notification.repository';
import { NotificationsService } from './notifications.service';

/**
 * Email, Web Push and transfer-timeout jobs. Each is idempotent: deliveries are claimed on
 * the notification row before sending (a duplicated job sends once) and released on failure
 * so BullMQ's retry with backoff can send later without ever blocking the inbox.
 */
@Processor(QueueName.Notifications, { autorun: false, concurrency: 8 })
export class NotificationsProcessor extends WorkerHost {
  private readonly logger = new Logger('NotificationsProcessor');
  private mailer?: Transporter;

  constructor(
    @Inject(appConfig.KEY) private readonly cfg: ConfigType<typeof appConfig>,
    private readonly repo: NotificationRepository,
    private readonly viewers: ViewerRepository,
    private readonly notifications: NotificationsService,
    private readonly uow: UnitOfWork,
    private readonly conversations: ConversationRepository,
  ) {
    super();
  }

  @OnWorkerEvent('failed')
  onFailed(job: Job | undefined, error: Error): void {
    this.logger.warn(`${job?.name} ${job?.id} attempt ${job?.attemptsMade} failed: ${error.message}`);
  }

  async process(job: Job): Promise<void> {
    switch (job.name) {
      case DeliverNotificationEmailJob.jobName:
        return this.email(job.data as DeliverNotificationEmailJob['data']);
      case DeliverNotificationPushJob.jobName:
        return this.push(job.data as DeliverNotificationPushJob['data']);
      case TransferTimeoutJob.jobName:
        return this.transferTimeout(job.data as TransferTimeoutJob['data']);
      default:
        throw new UnrecoverableError(`unknown job ${job.name}`);
    }
  }

  private async email({ orgId, notificationId }: DeliverNotificationEmailJob['data']): Promise<void> {
    if (!this.cfg.smtp.url) return this.logger.warn('email notification skipped: SMTP_URL is not set');
    const n = await this.repo.find(orgId, notificationId);
    const to = n && (await this.repo.memberEmail(orgId, n.member_id));
    if (!n || !to || !(await this.repo.claimDelivery(orgId, notificationId, 'email'))) return;
    const { title, body } = describe(n);
    try {
      this.mailer ??= createTransport(this.cfg.smtp.url);
      await this.mailer.sendMail({ from: this.cfg.smtp.from, to: to.email, subject: title, text: `${to.display_name}:\n\n${body}\n` });
    } catch (e) {
      await this.repo.releaseDelivery(orgId, notificationId, 'email');
      throw e;
    }
  }

  private async push({ orgId, notificationId }: DeliverNotificationPushJob['data']): Promise<void> {
    const { publicKey, privateKey, subject } = this.cfg.vapid;
    if (!publicKey || !privateKey || !subject) return this.logger.warn('push notification skipped: VAPID keys are not set');
    const n = await this.repo.find(orgId, notificationId);
    if (!n || !(await this.repo.claimDelivery(orgId, notificationId, 'push'))) return;
    const { title, body } = describe(n);
    const payload = JSON.stringify({ id: n.id, type: n.type, title, body, payload: n.payload });
    let retry: Error | null = null;
    for (const s of await this.repo.subscriptions(orgId, n.member_id)) {
      try {
        await webpush.sendNotification({ endpoint: s.endpoint, keys: { p256dh: s.p256dh, auth: s.auth } }, payload, {
          TTL: 3600,
          contentEncoding: 'aes128gcm',
          vapidDetails: { subject, publicKey, privateKey },
        });
      } catch (e) {
        const status = (e as { statusCode?: number }).statusCode;
        // The push service says the subscription is gone: forget it.
        if (status === 404 || status === 410) await this.repo.deleteSubscription(orgId, s.id);
        else retry = e as Error;
      }
    }
    if (retry) {
      await this.repo.releaseDelivery(orgId, notificationId, 'push');
      throw retry;
    }
  }

  private async transferTimeout({ orgId, assignmentId }: TransferTimeoutJob['data']): Promise<void> {
    const state = await this.repo.transferTimeoutState(orgId, assignmentId);
    if (!state || !state.current || state.replied) return;
    // Reports count the timeout (docs/reports.md): recorded under the conversation's row lock, so it
    // takes its place in the conversation's event order. A retried job records it again; reports
    // count one timeout per assignment.
    await this.uow.run(async () => {
      await this.conversations.lockById(orgId, state.conversation_id);
      this.uow.record({
        type: 'conversation.transfer_timed_out',
        orgId,
        actorId: null,
        conversationId: state.conversation_id,
        customerId: null,
        data: { assignmentId, memberId: state.member_id, unitId: state.unit_id, timeoutSeconds: state.timeout_seconds },
      });
    });
    const ids = new Set(await this.repo.supervisorIds(orgId, state.unit_id));
    if (state.assigned_by_id && state.assigned_by_id !== state.member_id) ids.add(state.assigned_by_id);
    ids.delete(state.member_id);
    const recipients = await this.viewers.findManyActive(orgId, [...ids]);
    await this.notifications.notify(
      orgId,
      'conversation.transfer_timeout',
      recipients,
      () => ({ conversationId: state.conversation_id, assigneeId: state.member_id, transferredById: state.assigned_by_id, timeoutSeconds: state.timeout_seconds }),
      `transfer_timeout:${assignmentId}`,
      state.conversation_id,
    );
  }
}
