import { Injectable, Logger } from '@nestjs/common';
import { AccessPolicy } from '../access/access.policy';
import type { ConversationFacts } from '../access/folder-rules';
import { Folder, Permission } from '../access/permissions';
import type { Viewer } from '../access/viewer';
import { OrgDirectory } from '../access/org-directory';
import { ViewerRepository } from '../access/viewer.repository';
import { presentSummary } from '../conversations/conversation.presenter';
import { MessageEntity } from '../conversations/message.entity';
import { presentMessage } from '../conversations/message.presenter';
import { presentCustomer } from '../customers/customer.presenter';
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

/**
 * Fan-out after commit (SPEC §8). Per change: one query for the new state, one for the
 * reader candidates, two for the payload rows — whatever the number of members or sockets.
 * Each viewer's access comes from the AccessPolicy; viewers who receive the same payload are
 * grouped and the payload is serialized and published once per group.
 */
@Injectable()
export class RealtimeService {
  private readonly logger = new Logger('Realtime');

  constructor(
    private readonly query: RealtimeQuery,
    private readonly viewers: ViewerRepository,
    private readonly directory: OrgDirectory,
    private readonly policy: AccessPolicy,
    private readonly emitter: RealtimeEmitter,
  ) {}

  /** Never throws: a failed fan-out must not fail the committed write that caused it. */
  async conversationChanged(change: ConversationChange): Promise<void> {
    await this.conversationsChanged([change]);
  }

  /**
   * A batch of changes (the relay's): per org, one query for the new states, one each for the
   * conversations, customers and previews not already in hand, whatever the batch size.
   */
  async conversationsChanged(changes: readonly ConversationChange[]): Promise<void> {
    const byOrg = new Map<string, ConversationChange[]>();
    for (const c of changes) byOrg.set(c.orgId, [...(byOrg.get(c.orgId) ?? []), c]);
    for (const [orgId, list] of byOrg) {
      try {
        await this.fanOut(orgId, list);
      } catch (e) {
        this.logger.error(`fan-out of ${list.length} change(s) in org ${orgId} failed: ${(e as Error).message}`);
      }
    }
  }

  private async fanOut(orgId: string, changes: readonly ConversationChange[]): Promise<void> {
    const t0 = performance.now();
    const states = await this.query.states(orgId, changes.map((c) => c.conversationId));
    const t1 = performance.now();
    const versions = [...states.values()].map((s) => s.facts.directoryVersion ?? 0);
    // The directory at least as new as the facts: a permission change committed before them is seen.
    const directory = await this.directory.get(orgId, versions.length ? Math.max(...versions) : undefined);
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
      this.emitter.toMembers(removed, RealtimeEvent.ConversationRemoved, { conversationId: c.conversationId });
      if (readersAfter.length > 0 && state?.row) this.publish(c, readersAfter, state.row);
    }
    this.logger.debug(`fan-out of ${changes.length}: query ${(t1 - t0).toFixed(1)} ms, audiences and publish ${(performance.now() - t1).toFixed(1)} ms`);
  }

  private publish(c: ConversationChange, readersAfter: { viewer: Viewer; folders: Folder[] }[], row: ConversationRow): void {
    const { conversation, customer, lastMessage } = row;
    const source = { ...conversation, customerDisplayName: customer.displayName };

    // conversation.upserted: one payload per (folders, sees-private) group.
    this.grouped(readersAfter, (r) => `${r.folders.join(',')}|${this.policy.seesPrivateContent(r.viewer)}`, (r) => {
      const seesPrivate = this.policy.seesPrivateContent(r.viewer);
      return { ...presentSummary(source, lastMessage ? presentMessage(lastMessage, seesPrivate) : null), folders: r.folders };
    }).forEach(([ids, payload]) => this.emitter.toMembers(ids, RealtimeEvent.ConversationUpserted, payload));

    // message.created / message.updated: redacted or not.
    for (const [event, messages] of [
      [RealtimeEvent.MessageCreated, c.createdMessages ?? []],
      [RealtimeEvent.MessageUpdated, c.updatedMessages ?? []],
    ] as const) {
      for (const m of messages) {
        this.grouped(readersAfter, (r) => String(this.policy.seesPrivateContent(r.viewer)), (r) => presentMessage(m, this.policy.seesPrivateContent(r.viewer))).forEach(
          ([ids, payload]) => this.emitter.toMembers(ids, event, payload),
        );
      }
    }

    // customer.updated: filtered by field permissions (never revealed over sockets).
    if (c.customerChanged) {
      this.grouped(
        readersAfter,
        (r) => `${r.viewer.permissions.has(Permission.CustomerProfileView)}|${r.viewer.permissions.has(Permission.CustomerTagsView)}`,
        (r) => presentCustomer(customer, r.viewer),
      ).forEach(([ids, payload]) => this.emitter.toMembers(ids, RealtimeEvent.CustomerUpdated, payload));
    }
  }

  /** `permissions.changed` with each member's new effective permissions and folders. */
  async permissionsChanged(orgId: string, memberIds: readonly string[]): Promise<void> {
    try {
      const viewers = await this.viewers.findManyActive(orgId, memberIds);
      for (const v of viewers) {
        this.emitter.toMembers([v.memberId], RealtimeEvent.PermissionsChanged, {
          memberId: v.memberId,
          roleId: v.roleId,
          unitId: v.unitId,
          channelAccountIds: v.channelAccountIds,
          permissions: [...v.permissions].sort(),
          folders: this.policy.folders(v),
        });
      }
    } catch (e) {
      this.logger.error(`permissions.changed failed: ${(e as Error).message}`);
    }
  }

  memberDeactivated(memberId: string): void {
    this.emitter.disconnectMember(memberId);
  }

  notify(memberId: string, notification: unknown): void {
    this.emitter.toMembers([memberId], RealtimeEvent.NotificationCreated, notification);
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
