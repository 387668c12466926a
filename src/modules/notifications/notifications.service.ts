import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { Queue } from 'bullmq';
import { QueueName } from '../../infra/queue/queues';
import { AccessPolicy } from '../access/access.policy';
import { ConversationFactsRepository } from '../access/conversation-facts.repository';
import type { NotificationEventType } from '../access/permissions';
import type { Viewer } from '../access/viewer';
import { ViewerRepository } from '../access/viewer.repository';
import { MessageEntity } from '../conversations/message.entity';
import { presentMessage } from '../conversations/message.presenter';
import { RealtimeService } from '../realtime/realtime.service';
import { effectiveNotifications } from '../roles/role-notifications';
import { DeliverNotificationEmailJob, DeliverNotificationPushJob, TransferTimeoutJob } from './notification.jobs';
import { presentNotification } from './notification.presenter';
import { NotificationRepository } from './notification.repository';

const JOB_OPTS = { attempts: 8, backoff: { type: 'exponential' as const, delay: 2000 }, removeOnComplete: 1000, removeOnFail: 5000 };

/**
 * Creates notifications (persisted once per dedup key), pushes them live, and queues email
 * and Web Push per the recipient role's channel choice. Never throws into the caller: a
 * failing notification must not fail the inbox action that caused it.
 */
@Injectable()
export class NotificationsService {
  private readonly logger = new Logger('Notifications');

  constructor(
    private readonly repo: NotificationRepository,
    private readonly viewers: ViewerRepository,
    private readonly policy: AccessPolicy,
    private readonly facts: ConversationFactsRepository,
    private readonly realtime: RealtimeService,
    @InjectQueue(QueueName.Notifications) private readonly queue: Queue,
  ) {}

  /**
   * Notifies each recipient who may receive this event type and, when it is about a
   * conversation, who can read that conversation right now (nobody learns of a customer
   * through a notification they could not see in the inbox).
   */
  async notify(
    orgId: string,
    type: NotificationEventType,
    candidates: readonly Viewer[],
    payloadFor: (v: Viewer) => Record<string, unknown>,
    dedupBase: string,
    conversationId: string | null,
  ): Promise<number> {
    let created = 0;
    try {
      const facts = conversationId ? (await this.facts.load(orgId, [conversationId])).get(conversationId) : null;
      if (conversationId && !facts) return 0;
      const recipients = facts ? this.policy.readers(candidates, facts) : candidates;
      const settings = await this.repo.roleSettings(orgId, [...new Set(recipients.map((r) => r.roleId))]);
      for (const v of recipients) {
        const channels = effectiveNotifications(v.permissions, settings.get(v.roleId) ?? {})[type] ?? [];
        if (channels.length === 0) continue;
        const row = await this.repo.insert(orgId, { memberId: v.memberId, type, payload: payloadFor(v), channels, dedupKey: `${dedupBase}:${v.memberId}` });
        if (!row) continue;
        created++;
        if (channels.includes('web')) this.realtime.notify(v.memberId, presentNotification(row));
        if (channels.includes('email')) {
          await this.queue.add(DeliverNotificationEmailJob.jobName, new DeliverNotificationEmailJob({ orgId, notificationId: row.id }).data, { ...JOB_OPTS, jobId: `email-${row.id}` });
        }
        if (channels.includes('push')) {
          await this.queue.add(DeliverNotificationPushJob.jobName, new DeliverNotificationPushJob({ orgId, notificationId: row.id }).data, { ...JOB_OPTS, jobId: `push-${row.id}` });
        }
      }
    } catch (e) {
      this.logger.error(`${type} notification failed: ${(e as Error).message}`);
    }
    return created;
  }

  /** `customer.bound`, whichever way the binding happened (token, admin bind or transfer). */
  async customerBound(
    orgId: string,
    b: {
      customerId: string;
      conversationId: string | null;
      customerDisplayName: string;
      unitId: string;
      unitName: string;
      memberId: string | null;
      /** How the binding happened (SPEC §14) and who did it (null: the customer, through a link). */
      via: 'link' | 'admin' | 'handover';
      byMemberId: string | null;
    },
    dedupBase: string,
  ): Promise<void> {
    const ids = await this.repo.bindingRecipientIds(orgId, b.unitId, b.memberId);
    const recipients = await this.viewers.findManyActive(orgId, ids);
    await this.notify(orgId, 'customer.bound', recipients, () => ({ ...b }), `customer.bound:${dedupBase}`, b.conversationId);
  }

  /** `mention`: the note's text only for recipients who may read it (private notes redacted). */
  async mentioned(orgId: string, note: MessageEntity): Promise<void> {
    const recipients = await this.viewers.findManyActive(orgId, note.mentionIds);
    await this.notify(
      orgId,
      'mention',
      recipients,
      (v) => {
        const m = presentMessage(note, this.policy.seesPrivateContent(v));
        return { conversationId: note.conversationId, messageId: note.id, fromMemberId: note.senderMemberId, text: m.text?.slice(0, 280) ?? null, redacted: m.redacted };
      },
      `mention:${note.id}`,
      note.conversationId,
    );
  }

  /** Schedules the transfer-timeout check for a new assignment (settings read now: later changes apply to later transfers). */
  async scheduleTransferTimeout(orgId: string, assignmentId: string, timeoutSeconds: number): Promise<void> {
    try {
      await this.queue.add(TransferTimeoutJob.jobName, new TransferTimeoutJob({ orgId, assignmentId }).data, {
        ...JOB_OPTS,
        jobId: `transfer-timeout-${assignmentId}`,
        delay: timeoutSeconds * 1000,
      });
    } catch (e) {
      this.logger.error(`could not schedule transfer timeout: ${(e as Error).message}`);
    }
  }

  /** A reply, completion, unassignment or another transfer makes the pending check moot. */
  async cancelTransferTimeout(assignmentId: string): Promise<void> {
    await this.queue.remove(`transfer-timeout-${assignmentId}`).catch(() => undefined);
  }
}
