import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AccessPolicy } from '../access/access.policy';
import { ConversationFactsRepository } from '../access/conversation-facts.repository';
import type { ConversationFacts } from '../access/folder-rules';
import { Folder, Permission } from '../access/permissions';
import type { Viewer } from '../access/viewer';
import { ViewerRepository } from '../access/viewer.repository';
import { presentSummary } from '../conversations/conversation.presenter';
import { MessageEntity } from '../conversations/message.entity';
import { presentMessage } from '../conversations/message.presenter';
import { presentCustomer } from '../customers/customer.presenter';
import { RealtimeEmitter } from './realtime.emitter';
import { RealtimeEvent } from './realtime.events';
import { RealtimeQuery } from './realtime.query';

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
export class RealtimeService implements BeforeApplicationShutdown {
  private readonly logger = new Logger('Realtime');
  private readonly background = new Set<Promise<void>>();

  constructor(
    private readonly facts: ConversationFactsRepository,
    private readonly query: RealtimeQuery,
    private readonly viewers: ViewerRepository,
    private readonly policy: AccessPolicy,
    private readonly emitter: RealtimeEmitter,
  ) {}

  /** The states to diff against, read inside the writer's transaction before it changes them. */
  snapshot(orgId: string, conversationIds: readonly string[], em?: EntityManager): Promise<Map<string, ConversationFacts>> {
    return this.facts.load(orgId, conversationIds, em);
  }

  /** Never throws: a failed fan-out must not fail the committed write that caused it. */
  async conversationChanged(change: ConversationChange): Promise<void> {
    try {
      await this.fanOut(change);
    } catch (e) {
      this.logger.error(`fan-out for conversation ${change.conversationId} failed: ${(e as Error).message}`);
    }
  }

  async conversationsChanged(changes: readonly ConversationChange[]): Promise<void> {
    for (const c of changes) await this.conversationChanged(c);
  }

  /** Large fan-outs (staff departure) run after the answer; shutdown waits for them. */
  inBackground(changes: readonly ConversationChange[]): void {
    const p = this.conversationsChanged(changes).finally(() => this.background.delete(p));
    this.background.add(p);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all([...this.background]);
  }

  private async fanOut(c: ConversationChange): Promise<void> {
    const after = (await this.facts.load(c.orgId, [c.conversationId])).get(c.conversationId) ?? null;
    const states = [c.before, after].filter((f): f is ConversationFacts => f !== null);
    if (states.length === 0) return;
    const candidates = await this.query.candidates(c.orgId, states);
    const readersAfter: { viewer: Viewer; folders: Folder[] }[] = [];
    const removed: string[] = [];
    for (const v of candidates) {
      const folders = after ? this.policy.foldersOf(v, after) : [];
      if (folders.length > 0) readersAfter.push({ viewer: v, folders });
      else if (c.before && this.policy.foldersOf(v, c.before).length > 0) removed.push(v.memberId);
    }
    this.emitter.toMembers(removed, RealtimeEvent.ConversationRemoved, { conversationId: c.conversationId });
    if (readersAfter.length === 0) return;

    const row = await this.query.conversation(c.orgId, c.conversationId, [...(c.createdMessages ?? []), ...(c.updatedMessages ?? [])]);
    if (!row) return;
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

  async roleChanged(orgId: string, roleId: string): Promise<void> {
    await this.permissionsChanged(orgId, await this.query.membersWithRole(orgId, roleId));
  }

  async unitTreeChanged(orgId: string, unitPath: string): Promise<void> {
    await this.permissionsChanged(orgId, await this.query.membersUnder(orgId, unitPath));
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
