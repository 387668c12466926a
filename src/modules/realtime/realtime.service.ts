import { Injectable, Logger } from '@nestjs/common';
import { AccessPolicy } from '../access/access.policy';
import { ConversationFactsRepository } from '../access/conversation-facts.repository';
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
    private readonly facts: ConversationFactsRepository,
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
    const afters = await this.facts.load(orgId, changes.map((c) => c.conversationId));
    const versions = [...afters.values()].map((f) => f.directoryVersion ?? 0);
    // The directory at least as new as the facts: a permission change committed before them is seen.
    const directory = await this.directory.get(orgId, versions.length ? Math.max(...versions) : undefined);

    const audiences = new Map<string, { viewer: Viewer; folders: Folder[] }[]>();
    for (const c of changes) {
      const after = afters.get(c.conversationId) ?? null;
      const states = [c.before, after].filter((f): f is ConversationFacts => f !== null);
      if (states.length === 0) continue;
      const readersAfter: { viewer: Viewer; folders: Folder[] }[] = [];
      const removed: string[] = [];
      for (const v of directory.candidates(states)) {
        const folders = after ? this.policy.foldersOf(v, after) : [];
        if (folders.length > 0) readersAfter.push({ viewer: v, folders });
        else if (c.before && this.policy.foldersOf(v, c.before).length > 0) removed.push(v.memberId);
      }
      this.emitter.toMembers(removed, RealtimeEvent.ConversationRemoved, { conversationId: c.conversationId });
      if (readersAfter.length > 0) audiences.set(c.conversationId, readersAfter);
    }
    if (audiences.size === 0) return;

    const known = changes.flatMap((c) => [...(c.createdMessages ?? []), ...(c.updatedMessages ?? [])]);
    const rows = await this.query.conversations(orgId, [...audiences.keys()], known);
    for (const c of changes) {
      const readersAfter = audiences.get(c.conversationId);
      const row = rows.get(c.conversationId);
      if (readersAfter && row) this.publish(c, readersAfter, row);
    }
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
