import { Injectable, Logger } from '@nestjs/common';
import { DependencyUnavailableError } from '../../infra/queue/unavailable';
import { AccessPolicy } from '../access/access.policy';
import type { ConversationFacts } from '../access/folder-rules';
import { OrgDirectory } from '../access/org-directory';
import { Folder, Permission } from '../access/permissions';
import type { Viewer } from '../access/viewer';
import { ViewerRepository } from '../access/viewer.repository';
import { presentSummary } from '../conversations/conversation.presenter';
import { MessageEntity } from '../conversations/message.entity';
import { presentMessage } from '../conversations/message.presenter';
import { presentCustomer } from '../customers/customer.presenter';
import { unitAncestorIds } from '../units/unit.entity';
import { RealtimeEmitter } from './realtime.emitter';
import { RealtimeEvent } from './realtime.events';
import { ConversationRow, RealtimeQuery } from './realtime.query';

export interface ConversationChange {
  orgId: string;
  conversationId: string;
  /** The conversation's state before the change (null when it did not exist or is unknown). */
  before: ConversationFacts | null;
  createdMessages?: readonly MessageEntity[];
  updatedMessages?: readonly MessageEntity[];
  customerChanged?: boolean;
}

/** The longest a fan-out waits for Redis to confirm its appends before the change is retried. */
const PUBLISH_TIMEOUT_MS = 5000;
/** Messages whose `message.created` went out to some members before a fan-out failed (see `partial`). */
const MAX_PARTIAL_MESSAGES = 10_000;

/** One append to the event stream, and what it was. */
interface Emit {
  ok: Promise<boolean>;
  /** Set for `message.created`: who got which message (kept when the fan-out fails part-way). */
  messageId?: string;
  memberIds: readonly string[];
}

/**
 * Fan-out after commit (SPEC §8). Per change: one query for the new state, one for the
 * reader candidates, two for the payload rows — whatever the number of members or sockets.
 * Each viewer's access comes from the AccessPolicy; viewers who receive the same payload are
 * grouped and the payload is serialized and published once per group.
 *
 * Failures throw (a query, or an append Redis did not confirm: `DependencyUnavailableError`),
 * so the relay keeps the events in the outbox and runs the fan-out again later
 * (docs/operations-faults.md). A retried fan-out re-sends the same upserts, which clients
 * apply by id; `message.created` is not sent twice to a member by this process: after a failed
 * fan-out the members each message already reached are remembered and skipped on the retry.
 */
@Injectable()
export class RealtimeService {
  private readonly logger = new Logger('Realtime');
  /** message id → members its `message.created` reached in a fan-out that then failed. */
  private readonly partial = new Map<string, Set<string>>();

  constructor(
    private readonly query: RealtimeQuery,
    private readonly viewers: ViewerRepository,
    private readonly directory: OrgDirectory,
    private readonly policy: AccessPolicy,
    private readonly emitter: RealtimeEmitter,
  ) {}

  /** Throws when the fan-out failed (the caller, the relay, retries it later). */
  async conversationChanged(change: ConversationChange): Promise<void> {
    await this.conversationsChanged([change]);
  }

  /**
   * A batch of changes (the relay's): per org, one query for the new states, one each for the
   * conversations, customers and previews not already in hand, whatever the batch size.
   * Every org is fanned out; then the first failure, if any, is thrown.
   */
  async conversationsChanged(changes: readonly ConversationChange[]): Promise<void> {
    const byOrg = new Map<string, ConversationChange[]>();
    for (const c of changes) byOrg.set(c.orgId, [...(byOrg.get(c.orgId) ?? []), c]);
    let failure: unknown = null;
    for (const [orgId, list] of byOrg) {
      try {
        await this.fanOut(orgId, list);
      } catch (e) {
        failure ??= e;
        if (!(e instanceof DependencyUnavailableError)) this.logger.error(`fan-out of ${list.length} change(s) in org ${orgId} failed: ${(e as Error).message}`);
      }
    }
    if (failure) throw failure;
  }

  private async fanOut(orgId: string, changes: readonly ConversationChange[]): Promise<void> {
    const t0 = performance.now();
    const states = await this.query.states(orgId, changes.map((c) => c.conversationId));
    const t1 = performance.now();
    const versions = [...states.values()].map((s) => s.facts.directoryVersion ?? 0);
    // The directory at least as new as the facts: a permission change committed before them is seen.
    const directory = await this.directory.get(orgId, versions.length ? Math.max(...versions) : undefined);
    const emits: Emit[] = [];
    for (const c of changes) {
      const state = states.get(c.conversationId) ?? null;
      const after = state?.facts ?? null;
      const known = [...(c.createdMessages ?? []), ...(c.updatedMessages ?? [])];
      // The change's own version of the preview when it is one of its messages (fresher than the row read).
      if (state?.row?.lastMessage) state.row.lastMessage = known.find((m) => m.id === state.row!.lastMessage!.id) ?? state.row.lastMessage;
      const readersAfter: { viewer: Viewer; folders: Folder[] }[] = [];
      const removed: string[] = [];
      for (const v of directory.candidates([c.before, after].filter((f): f is ConversationFacts => f !== null))) {
        const folders = after ? this.policy.foldersOf(v, after) : [];
        if (folders.length > 0) readersAfter.push({ viewer: v, folders });
        else if (c.before && this.policy.foldersOf(v, c.before).length > 0) removed.push(v.memberId);
      }
      if (removed.length > 0) emits.push({ ok: this.emitter.toMembers(removed, RealtimeEvent.ConversationRemoved, { conversationId: c.conversationId }), memberIds: removed });
      if (readersAfter.length > 0 && state?.row) emits.push(...this.publish(c, readersAfter, state.row));
    }
    await this.confirm(emits, `fan-out of ${changes.length} change(s)`);
    this.logger.debug(`fan-out of ${changes.length}: query ${(t1 - t0).toFixed(1)} ms, audiences and publish ${(performance.now() - t1).toFixed(1)} ms`);
  }

  private publish(c: ConversationChange, readersAfter: { viewer: Viewer; folders: Folder[] }[], row: ConversationRow): Emit[] {
    const emits: Emit[] = [];
    const emit = (ids: string[], event: string, payload: unknown, messageId?: string) => {
      if (ids.length > 0) emits.push({ ok: this.emitter.toMembers(ids, event, payload), memberIds: ids, messageId });
    };
    const { conversation, customer, lastMessage } = row;
    const source = { ...conversation, customerDisplayName: customer.displayName };

    // conversation.upserted: one payload per (folders, sees-private) group.
    this.grouped(readersAfter, (r) => `${r.folders.join(',')}|${this.policy.seesPrivateContent(r.viewer)}`, (r) => {
      const seesPrivate = this.policy.seesPrivateContent(r.viewer);
      return { ...presentSummary(source, lastMessage ? presentMessage(lastMessage, seesPrivate) : null), folders: r.folders };
    }).forEach(([ids, payload]) => emit(ids, RealtimeEvent.ConversationUpserted, payload));

    // message.created / message.updated: redacted or not.
    for (const [event, messages] of [
      [RealtimeEvent.MessageCreated, c.createdMessages ?? []],
      [RealtimeEvent.MessageUpdated, c.updatedMessages ?? []],
    ] as const) {
      for (const m of messages) {
        // Members a failed fan-out already gave this message are not given it twice.
        const reached = event === RealtimeEvent.MessageCreated ? this.partial.get(m.id) : undefined;
        const to = reached ? readersAfter.filter((r) => !reached.has(r.viewer.memberId)) : readersAfter;
        this.grouped(to, (r) => String(this.policy.seesPrivateContent(r.viewer)), (r) => presentMessage(m, this.policy.seesPrivateContent(r.viewer))).forEach(([ids, payload]) =>
          emit(ids, event, payload, event === RealtimeEvent.MessageCreated ? m.id : undefined),
        );
      }
    }

    // customer.updated: filtered by field permissions (never revealed over sockets).
    if (c.customerChanged) {
      this.grouped(
        readersAfter,
        (r) => `${r.viewer.permissions.has(Permission.CustomerProfileView)}|${r.viewer.permissions.has(Permission.CustomerTagsView)}`,
        (r) => presentCustomer(customer, r.viewer),
      ).forEach(([ids, payload]) => emit(ids, RealtimeEvent.CustomerUpdated, payload));
    }
    return emits;
  }

  /**
   * Waits until Redis confirmed every append (bounded); throws `DependencyUnavailableError` when
   * one failed or no answer came in time. After a partial failure, the members each
   * `message.created` reached are remembered so the retry skips them.
   */
  private async confirm(emits: readonly Emit[], what: string): Promise<void> {
    if (emits.length === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), PUBLISH_TIMEOUT_MS);
      timer.unref();
    });
    const results = await Promise.race([Promise.all(emits.map((e) => e.ok)), timeout]);
    clearTimeout(timer);
    if (results !== 'timeout' && results.every(Boolean)) {
      if (this.partial.size > 0) for (const e of emits) if (e.messageId) this.partial.delete(e.messageId);
      return;
    }
    let failed = emits.length;
    if (results !== 'timeout') {
      failed = results.filter((ok) => !ok).length;
      emits.forEach((e, i) => results[i] && this.reached(e));
    } else {
      // An append Redis confirms late (it was only slow) still counts: the retry must skip its members.
      for (const e of emits) void e.ok.then((ok) => ok && this.reached(e));
    }
    throw new DependencyUnavailableError(
      'redis',
      results === 'timeout' ? `${what}: Redis did not confirm ${emits.length} socket event(s) within ${PUBLISH_TIMEOUT_MS} ms` : `${what}: ${failed} of ${emits.length} socket event(s) not published`,
    );
  }

  /** Remembers who a `message.created` reached in a fan-out that failed elsewhere. */
  private reached(e: Emit): void {
    if (!e.messageId) return;
    const reached = this.partial.get(e.messageId) ?? new Set<string>();
    e.memberIds.forEach((id) => reached.add(id));
    this.partial.delete(e.messageId); // re-inserted last: the oldest are dropped first
    this.partial.set(e.messageId, reached);
    for (const id of this.partial.keys()) {
      if (this.partial.size <= MAX_PARTIAL_MESSAGES) break;
      this.partial.delete(id);
    }
  }

  /** `permissions.changed` with each member's new effective permissions and folders. */
  async permissionsChanged(orgId: string, memberIds: readonly string[]): Promise<void> {
    const viewers = await this.viewers.findManyActive(orgId, memberIds);
    const emits: Emit[] = viewers.map((v) => ({
      ok: this.emitter.toMembers([v.memberId], RealtimeEvent.PermissionsChanged, {
        memberId: v.memberId,
        roleId: v.roleId,
        unitId: v.unitId,
        channelAccountIds: v.channelAccountIds,
        permissions: [...v.permissions].sort(),
        folders: this.policy.folders(v),
      }),
      memberIds: [v.memberId],
    }));
    await this.confirm(emits, 'permissions.changed');
  }

  /**
   * `presence.changed` to the members of the member's unit, its ancestors and its children; not to
   * the member (their own client set or caused it).
   */
  async presenceChanged(orgId: string, memberId: string, unitId: string, presence: string): Promise<void> {
    const directory = await this.directory.get(orgId);
    const unitPath = directory.byId.get(memberId)?.unitPath ?? directory.unitPathOf(unitId);
    if (!unitPath) return;
    // The member's unit and the units above it, and the units directly below it: indexed, not a scan of the org.
    const path = unitAncestorIds(unitPath);
    const audience = [...directory.inUnits(path), ...directory.inChildUnits(path[path.length - 1])].filter((v) => v.memberId !== memberId).map((v) => v.memberId);
    if (audience.length === 0) return;
    await this.confirm([{ ok: this.emitter.toMembers(audience, RealtimeEvent.PresenceChanged, { memberId, presence }), memberIds: audience }], 'presence.changed');
  }

  memberDeactivated(memberId: string): void {
    this.emitter.disconnectMember(memberId);
  }

  /** `notification.created`: true once recorded in Redis, false when it could not be (never rejects). */
  notify(memberId: string, notification: unknown): Promise<boolean> {
    return this.emitter.toMembers([memberId], RealtimeEvent.NotificationCreated, notification);
  }

  private grouped<R extends { viewer: Viewer }>(rows: readonly R[], key: (r: R) => string, payload: (r: R) => unknown): [string[], unknown][] {
    const groups = new Map<string, { ids: string[]; payload: unknown }>();
    for (const r of rows) {
      const k = key(r);
      const g = groups.get(k);
      if (g) g.ids.push(r.viewer.memberId);
      else groups.set(k, { ids: [r.viewer.memberId], payload: payload(r) });
    }
    return [...groups.values()].map((g) => [g.ids, g.payload]);
  }
}
