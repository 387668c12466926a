import { Injectable, Logger } from '@nestjs/common';
import { AccessPolicy } from '../access/access.policy';
import { OrgDirectory } from '../access/org-directory';
import { Permission } from '../access/permissions';
import type { Viewer } from '../access/viewer';
import { ViewerRepository } from '../access/viewer.repository';
import { ConversationRepository } from '../conversations/conversation.repository';
import { ConversationAssignments } from '../conversations/conversation-assignments.service';
import { UnitOfWork } from '../events/unit-of-work';
import { PresenceService } from '../presence/presence.service';
import type { EligibleAssigneeDto } from './assignees.dto';
import { Candidate, rank, underCapacity } from './pick';
import { RoutingRepository } from './routing.repository';

/** Waiting conversations taken per unit of work when a member becomes available. */
const FILL_BATCH = 20;
/** Batches per trigger (a member who comes back to a long queue takes up to this × FILL_BATCH at once). */
const FILL_ROUNDS = 10;

/**
 * Routing (docs/routing.md). `route` runs INSIDE the caller's unit of work, on a conversation the
 * caller has row-locked (the ingest of a customer message, a transfer to a unit, a requeue):
 * 1. the customer's bound member, if eligible, available and under capacity;
 * 2. else the conversation's home unit picks among its own eligible, available members under
 *    capacity by its routing mode;
 * 3. else it waits (unassigned).
 * Each decision to give a member work is made under that member's transaction lock, with their
 * load read under it, so concurrent routing (any number of processes) never exceeds a capacity;
 * the conversation's row lock and the open/unassigned check under it mean it is routed once.
 * The assignment itself is an ordinary one (ConversationAssignments, `via: 'routing'`).
 */
@Injectable()
export class RoutingService {
  private readonly logger = new Logger('Routing');

  constructor(
    private readonly uow: UnitOfWork,
    private readonly repo: RoutingRepository,
    private readonly viewers: ViewerRepository,
    private readonly policy: AccessPolicy,
    private readonly directory: OrgDirectory,
    private readonly presence: PresenceService,
    private readonly conversations: ConversationRepository,
    private readonly holdings: ConversationAssignments,
  ) {}

  /** Routes one locked conversation if it is waiting; returns the member it went to, or null. */
  async route(orgId: string, conversationId: string, previous: { assignmentId: string } | null = null): Promise<string | null> {
    const ctx = await this.repo.context(orgId, conversationId);
    if (!ctx || ctx.status !== 'open' || ctx.assigneeId !== null) return null;
    // The in-memory directory answers who the members are when it is current; else two small reads.
    const snap = this.directory.cached(orgId, ctx.directoryVersion);
    const bound = ctx.boundMemberId ? (snap ? (snap.byId.get(ctx.boundMemberId) ?? null) : await this.viewers.findActive(orgId, ctx.boundMemberId)) : null;
    const homeRoutes = ctx.homeUnitId !== null && ctx.homeRouting !== null && ctx.homeRouting !== 'manual';
    if (!bound && !homeRoutes) return null;
    // Who could take it (eligibility and presence) is read before any lock, so locks are held for
    // as short as possible. Only a member's load must be read under their lock.
    const boundHere = bound && this.policy.canHold(bound, ctx.channelAccountId) ? await this.availableIds(orgId, [bound]) : [];
    const unitMembers = !homeRoutes ? [] : snap ? snap.inUnit(ctx.homeUnitId!) : await this.viewers.findManyActive(orgId, await this.repo.unitMemberIds(orgId, ctx.homeUnitId!));
    const eligible = unitMembers.filter((v) => this.policy.canHold(v, ctx.channelAccountId));
    const eligibleHere = await this.availableIds(orgId, eligible);
    if (boundHere.length === 0 && eligibleHere.length === 0) return null;

    let chosen: Viewer | null = null;
    if (boundHere.length) {
      const load = await this.repo.claim(orgId, bound!.memberId, true);
      if (load && underCapacity(load)) chosen = bound;
    }
    if (!chosen && eligibleHere.length) {
      // Ranked from loads read without a lock, then claimed: the first whose lock is free and who
      // is under capacity under it, so a burst for one unit spreads over its members in
      // parallel; if every lock is taken it waits, starting at a member picked by the
      // conversation id (waiters spread too). Round-robin turns are thus approximate under
      // concurrency; capacity never is (re-read under the member's lock).
      const ranked = rank(ctx.homeRouting!, await this.repo.loads(orgId, eligibleHere)).map((c) => c.memberId);
      const winner = await this.repo.claimAny(orgId, ranked, parseInt(conversationId.replace(/-/g, '').slice(-8), 16) % Math.max(1, ranked.length));
      chosen = winner ? (eligible.find((v) => v.memberId === winner) ?? null) : null;
    }
    if (!chosen) return null;
    await this.holdings.start(
      orgId,
      [conversationId],
      { memberId: chosen.memberId, unitId: chosen.unitId },
      { actorId: null, via: 'routing', note: null },
      new Map(previous ? [[conversationId, previous.assignmentId]] : []),
    );
    return chosen.memberId;
  }

  /**
   * Every member who may hold the conversation (the same AccessPolicy rule an assignment is
   * checked against), by name, with presence and load: the assign dialog offers these only.
   */
  async eligibleAssignees(viewer: Viewer, conversationId: string): Promise<EligibleAssigneeDto[]> {
    // 404 when the viewer cannot read it, 403 when they may not assign it (as the assignment would).
    const { facts } = await this.policy.requireAction(viewer, conversationId, Permission.ConversationAssign);
    const orgId = viewer.orgId;
    const channelAccountId = facts.channelAccountId;
    const snap = await this.directory.get(orgId, facts.directoryVersion);
    const eligible = [...snap.byId.values()].filter((v) => this.policy.canHold(v, channelAccountId)).sort((a, b) => a.displayName.localeCompare(b.displayName) || (a.memberId < b.memberId ? -1 : 1));
    const ids = eligible.map((v) => v.memberId);
    const [presence, loads] = await Promise.all([this.presence.presenceOf(orgId, ids), this.repo.loads(orgId, ids)]);
    const load = new Map(loads.map((l) => [l.memberId, l]));
    return eligible.map((v) => ({
      id: v.memberId,
      displayName: v.displayName,
      unitId: v.unitId,
      presence: presence.get(v.memberId) ?? 'offline',
      openConversations: load.get(v.memberId)?.open ?? 0,
      maxOpenConversations: load.get(v.memberId)?.max ?? null,
    }));
  }

  /**
   * A member became available or dropped below capacity: the oldest waiting conversations they
   * could be routed (bound to them, or homed in their unit when it routes) are routed again, each
   * by the usual rule, until none is left or the member takes no more.
   */
  async fillMember(orgId: string, memberId: string): Promise<number> {
    let total = 0;
    for (let round = 0; round < FILL_ROUNDS; round++) {
      const { found, toMember } = await this.uow.run(async () => {
        const member = await this.viewers.findActive(orgId, memberId);
        if (!member || !this.policy.canHoldAny(member)) return { found: 0, toMember: 0 };
        const [load] = await this.available(orgId, [member]);
        if (!load || !underCapacity(load)) return { found: 0, toMember: 0 };
        const mode = await this.repo.unitRouting(orgId, member.unitId);
        const room = load.max === null ? FILL_BATCH : Math.min(FILL_BATCH, load.max - load.open);
        const waiting = await this.repo.waitingFor(orgId, member, mode !== null && mode !== 'manual', room);
        const locked = await this.repo.lockWaiting(orgId, waiting);
        await this.conversations.lockManyForChange(orgId, locked);
        let toMember = 0;
        for (const id of locked) if ((await this.route(orgId, id)) === memberId) toMember++;
        return { found: waiting.length, toMember };
      });
      total += toMember;
      if (toMember === 0 || found < FILL_BATCH) break;
    }
    return total;
  }

  /**
   * requeueOfflineAfterSeconds: the member's open conversations held since before `before` end
   * (reason `unassigned`, by nobody) and are routed again. Idempotent: a second run finds none.
   */
  async requeue(orgId: string, memberId: string, before: Date): Promise<number> {
    return this.uow.run(async () => {
      const ids = await this.repo.heldSince(orgId, memberId, before);
      const locked = (await this.conversations.lockManyForChange(orgId, ids)).filter((c) => c.assigneeId === memberId && c.status === 'open');
      if (locked.length === 0) return 0;
      const { ended } = await this.holdings.end(orgId, locked.map((c) => c.id), 'unassigned', null);
      for (const e of ended) await this.route(orgId, e.conversationId);
      this.logger.log({ orgId, memberId, conversations: ended.length }, 'requeued the open conversations of an offline assignee');
      return ended.length;
    });
  }

  /** Loads of the members who are available now (others are left out). */
  private async available(orgId: string, members: readonly Viewer[]): Promise<Candidate[]> {
    return this.repo.loads(orgId, await this.availableIds(orgId, members));
  }

  /** The members who are available now. */
  private async availableIds(orgId: string, members: readonly Viewer[]): Promise<string[]> {
    if (members.length === 0) return [];
    const presence = await this.presence.presenceOf(orgId, members.map((m) => m.memberId));
    return members.filter((m) => presence.get(m.memberId) === 'available').map((m) => m.memberId);
  }
}
