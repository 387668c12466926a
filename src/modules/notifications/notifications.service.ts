import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { Job, Queue } from 'bullmq';
import { QueueName } from '../../infra/queue/queues';
import { QUEUE_CALL_TIMEOUT_MS, queueCall, queueProbe, unavailableDependency, within } from '../../infra/queue/unavailable';
import { AccessPolicy } from '../access/access.policy';
import { ConversationFactsRepository } from '../access/conversation-facts.repository';
import { OrgDirectory } from '../access/org-directory';
import { NotificationEventType, Permission } from '../access/permissions';
import type { Viewer } from '../access/viewer';
import { ViewerRepository } from '../access/viewer.repository';
import { MessageEntity } from '../conversations/message.entity';
import { presentMessage } from '../conversations/message.presenter';
import { UnitOfWork } from '../events/unit-of-work';
import { RealtimeService } from '../realtime/realtime.service';
import { effectiveNotifications } from '../roles/role-notifications';
import { unitAncestorIds } from '../units/unit.entity';
import { DeliverNotificationEmailJob, DeliverNotificationPushJob, TransferTimeoutJob } from './notification.jobs';
import { presentNotification } from './notification.presenter';
import { NotificationRepository, NotificationRow } from './notification.repository';

const JOB_OPTS = { attempts: 8, backoff: { type: 'exponential' as const, delay: 2000 }, removeOnComplete: 1000, removeOnFail: 5000 };
/**
 * Email/push jobs are added inside the transaction that stores their notification, delayed by
 * this much, and promoted right after the commit: a job never runs before its row is visible,
 * and if the promotion fails (Redis gone that instant) it still runs once the delay is over.
 */
const HELD_UNTIL_COMMIT_MS = 15_000;

/**
 * Creates notifications (persisted once per dedup key), pushes them live, and queues email
 * and Web Push per the recipient role's channel choice. Called after commit (the relay's
 * subscriber, the transfer-timeout job), never by a writer.
 *
 * Throws only when Redis or PostgreSQL is unavailable (`unavailableDependency`), so the relay
 * (or BullMQ, for the transfer-timeout job) tries again later; anything else is logged. A retry
 * never doubles anything: rows are unique per dedup key, and a row is committed only together
 * with its email/push jobs (one transaction around the inserts and the bounded `queue.add`s;
 * the jobs are held until the commit, see HELD_UNTIL_COMMIT_MS), so a retry never finds a
 * stored notification whose jobs are missing; jobs of a rolled-back attempt find no row and do nothing.
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
    private readonly uow: UnitOfWork,
    private readonly directory: OrgDirectory,
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
    try {
      const facts = conversationId ? (await this.facts.load(orgId, [conversationId])).get(conversationId) : null;
      if (conversationId && !facts) return 0;
      const recipients = facts ? this.policy.readers(candidates, facts) : candidates;
      const settings = await this.repo.roleSettings(orgId, [...new Set(recipients.map((r) => r.roleId))]);
      const plans = recipients
        .map((v) => ({ v, channels: effectiveNotifications(v.permissions, settings.get(v.roleId) ?? {})[type] ?? [] }))
        .filter((p) => p.channels.length > 0);
      if (plans.length === 0) return 0;
      // Redis must answer before anything is stored: a notification stored now would not be
      // stored (nor pushed live) again by a retry.
      await queueProbe(this.queue).check();
      const held: Job[] = [];
      const created = await this.uow.run(async () => {
        const rows: { memberId: string; row: NotificationRow; channels: readonly string[] }[] = [];
        for (const { v, channels } of plans) {
          const row = await this.repo.insert(orgId, { memberId: v.memberId, type, payload: payloadFor(v), channels, dedupKey: `${dedupBase}:${v.memberId}` });
          if (!row) continue;
          rows.push({ memberId: v.memberId, row, channels });
          // A failed add rolls the rows back: the retry stores and queues them again.
          if (channels.includes('email')) held.push(await this.hold(DeliverNotificationEmailJob.jobName, new DeliverNotificationEmailJob({ orgId, notificationId: row.id }).data, `email-${row.id}`));
          if (channels.includes('push')) held.push(await this.hold(DeliverNotificationPushJob.jobName, new DeliverNotificationPushJob({ orgId, notificationId: row.id }).data, `push-${row.id}`));
        }
        return rows;
      });
      // Committed: the jobs may run now (a job that cannot be promoted runs when its delay is over).
      await Promise.allSettled(held.map((j) => within(j.promote(), QUEUE_CALL_TIMEOUT_MS, 'redis', 'promote notification job')));
      // After commit (a rolled-back notification is never announced).
      const live = created.filter((c) => c.channels.includes('web'));
      const pushed = await Promise.all(live.map((c) => this.realtime.notify(c.memberId, presentNotification(c.row))));
      const missed = pushed.filter((ok) => !ok).length;
      if (missed > 0) this.logger.warn(`${type}: ${missed} notification(s) stored but not pushed live (Redis unavailable); they are listed by GET /api/v1/notifications`);
      return created.length;
    } catch (e) {
      if (unavailableDependency(e)) throw e;
      this.logger.error(`${type} notification failed: ${(e as Error).message}`);
      return 0;
    }
  }

  /** Adds a job held back until the caller's transaction commits (see HELD_UNTIL_COMMIT_MS). */
  private hold(name: string, data: object, jobId: string): Promise<Job> {
    return queueCall(this.queue, `enqueue ${name}`, () => this.queue.add(name, data, { ...JOB_OPTS, jobId, delay: HELD_UNTIL_COMMIT_MS }));
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

  /**
   * `access_request`: to the members of the units above the requester's who hold `grant.issue`
   * (the ones who can decide it), read from the in-process directory.
   */
  async accessRequested(
    orgId: string,
    r: { requestId: string; memberId: string; permissions: string[]; durationMinutes: number; reason: string; conversationId: string | null },
  ): Promise<void> {
    const dir = await this.directory.get(orgId);
    const requester = dir.byId.get(r.memberId);
    if (!requester) return;
    // Grant issuers in the units above the requester's (strictly): indexed, not a scan of the org.
    const above = unitAncestorIds(requester.unitPath).slice(0, -1);
    const approvers = dir.inUnits(above).filter((v) => v.permissions.has(Permission.GrantIssue));
    const requesterName = requester.displayName;
    await this.notify(orgId, 'access_request', approvers, () => ({ ...r, requesterName }), `access_request:${r.requestId}`, null);
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
  /**
   * Schedules the transfer-timeout check for a new assignment (settings read now: later changes
   * apply to later transfers). Throws `DependencyUnavailableError` when Redis does not take it
   * (the event is retried; the job id makes a second add a no-op).
   */
  async scheduleTransferTimeout(orgId: string, assignmentId: string, timeoutSeconds: number): Promise<void> {
    await queueCall(this.queue, `schedule ${TransferTimeoutJob.jobName}`, () =>
      this.queue.add(TransferTimeoutJob.jobName, new TransferTimeoutJob({ orgId, assignmentId }).data, {
        ...JOB_OPTS,
        jobId: `transfer-timeout-${assignmentId}`,
        delay: timeoutSeconds * 1000,
      }),
    );
  }

  /**
   * A reply, completion, unassignment or another transfer makes the pending check moot. Best
   * effort and bounded: a check left behind finds its assignment no longer current and does nothing.
   */
  async cancelTransferTimeout(assignmentId: string): Promise<void> {
    await queueCall(this.queue, 'cancel transfer timeout', () => this.queue.remove(`transfer-timeout-${assignmentId}`)).catch((e: Error) =>
      this.logger.debug(`transfer-timeout check ${assignmentId} not removed: ${e.message}`),
    );
  }
}
