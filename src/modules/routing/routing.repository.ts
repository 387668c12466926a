import { Injectable } from '@nestjs/common';
import { Db } from '../../infra/database/db';
import { preparedQuery } from '../../infra/database/prepared';
import type { Candidate, RoutingMode } from './pick';

export interface RoutingContext {
  status: 'open' | 'done' | 'trashed';
  assigneeId: string | null;
  channelAccountId: string;
  homeUnitId: string | null;
  homeRouting: RoutingMode | null;
  boundMemberId: string | null;
  /** The org's directory version now: the in-memory member directory may answer if it is this new. */
  directoryVersion: number;
}

/**
 * Reads routing decides from (it writes nothing: assignments go through ConversationAssignments)
 * and the per-member transaction locks that serialize routing decisions about each member.
 */
@Injectable()
export class RoutingRepository {
  constructor(private readonly db: Db) {}

  /**
   * Takes the member's routing lock (held to the end of the transaction) and reads their load
   * under it, in one round trip (the `routing_claim` function). `wait: false` gives up at once
   * (null) when another transaction holds it. Every routed assignment to a member is decided
   * under their lock, so the load read here includes every committed one.
   */
  async claim(orgId: string, memberId: string, wait: boolean): Promise<Candidate | null> {
    const [r] = await preparedQuery<{ max: number | null; open: number; last_us: string | null }>(this.db.txManager, `SELECT max, open, last_us FROM routing_claim($1::uuid, $2::uuid, $3)`, [orgId, memberId, wait]);
    return r ? { memberId, max: r.max, open: r.open, lastAssignedAt: r.last_us === null ? 0 : Number(r.last_us) } : null;
  }

  /**
   * Claims the first of `ranked` (best first) whose lock is free and who is under capacity under
   * it; when every lock is taken, waits on them starting at index `start` (the
   * `routing_claim_any` function: one round trip). Null when nobody has room.
   */
  async claimAny(orgId: string, ranked: readonly string[], start: number): Promise<string | null> {
    if (ranked.length === 0) return null;
    const [r] = await preparedQuery<{ member_id: string }>(this.db.txManager, `SELECT member_id FROM routing_claim_any($1::uuid, $2::uuid[], $3::int)`, [orgId, ranked, start]);
    return r?.member_id ?? null;
  }

  async context(orgId: string, conversationId: string): Promise<RoutingContext | null> {
    const [r] = await preparedQuery<{ status: RoutingContext['status']; assignee_id: string | null; channel_account_id: string; home_unit_id: string | null; home_routing: RoutingMode | null; bound_member_id: string | null; directory_version: number }>(
      this.db.txManager,
      `SELECT c.status, c.assignee_id, c.channel_account_id, c.home_unit_id, hu.routing AS home_routing, cu.bound_member_id, o.directory_version::int AS directory_version
         FROM conversations c JOIN customers cu ON cu.id = c.customer_id JOIN orgs o ON o.id = c.org_id LEFT JOIN units hu ON hu.id = c.home_unit_id
        WHERE c.org_id = $1 AND c.id = $2::uuid`,
      [orgId, conversationId],
    );
    if (!r) return null;
    return { status: r.status, assigneeId: r.assignee_id, channelAccountId: r.channel_account_id, homeUnitId: r.home_unit_id, homeRouting: r.home_routing, boundMemberId: r.bound_member_id, directoryVersion: r.directory_version };
  }

  async unitRouting(orgId: string, unitId: string): Promise<RoutingMode | null> {
    const [r] = await preparedQuery<{ routing: RoutingMode }>(this.db.manager, `SELECT routing FROM units WHERE org_id = $1 AND id = $2::uuid`, [orgId, unitId]);
    return r?.routing ?? null;
  }

  /** Active members of a unit (the unit's own, not its subtree's). */
  async unitMemberIds(orgId: string, unitId: string): Promise<string[]> {
    const rows = await preparedQuery<{ id: string }>(this.db.manager, `SELECT id FROM members WHERE org_id = $1 AND unit_id = $2::uuid AND status = 'active' ORDER BY id`, [orgId, unitId]);
    return rows.map((r) => r.id);
  }

  /** Each member's load: open assigned conversations, their role's capacity, their latest assignment. */
  async loads(orgId: string, memberIds: readonly string[]): Promise<Candidate[]> {
    if (memberIds.length === 0) return [];
    const rows = await preparedQuery<{ id: string; max: number | null; open: number; last_us: string | null }>(
      this.db.manager,
      `SELECT m.id, l.max, l.open, l.last_us FROM unnest($2::uuid[]) AS m(id), LATERAL routing_load($1::uuid, m.id) l`,
      [orgId, memberIds],
    );
    return rows.map((r) => ({ memberId: r.id, max: r.max, open: r.open, lastAssignedAt: r.last_us === null ? 0 : Number(r.last_us) }));
  }

  /**
   * Waiting conversations (open, unassigned) a member could be routed, oldest customer message
   * first: those whose customer is bound to them, and (`unitRoutes`) those whose home unit is
   * theirs; within their channel scope.
   */
  async waitingFor(orgId: string, m: { memberId: string; unitId: string; channelAccountIds: readonly string[] }, unitRoutes: boolean, limit: number): Promise<string[]> {
    const rows = await preparedQuery<{ id: string }>(
      this.db.manager,
      `SELECT w.id FROM (
         (SELECT c.id, c.last_customer_message_at FROM customers cu JOIN conversations c ON c.customer_id = cu.id
           WHERE cu.org_id = $1 AND cu.bound_member_id = $2::uuid AND c.org_id = $1 AND c.status = 'open' AND c.assignee_id IS NULL
             AND (cardinality($4::uuid[]) = 0 OR c.channel_account_id = ANY($4::uuid[])))
         UNION
         (SELECT c.id, c.last_customer_message_at FROM conversations c
           WHERE $5::boolean AND c.org_id = $1 AND c.home_unit_id = $3::uuid AND c.status = 'open' AND c.assignee_id IS NULL
             AND (cardinality($4::uuid[]) = 0 OR c.channel_account_id = ANY($4::uuid[]))
           ORDER BY c.last_customer_message_at, c.id LIMIT $6)
       ) w ORDER BY w.last_customer_message_at, w.id LIMIT $6`,
      [orgId, m.memberId, m.unitId, m.channelAccountIds, unitRoutes, limit],
    );
    return rows.map((r) => r.id);
  }

  /** Row-locks those still waiting, skipping any another transaction holds (it is deciding them). */
  async lockWaiting(orgId: string, ids: readonly string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const rows = await preparedQuery<{ id: string }>(
      this.db.txManager,
      `SELECT id FROM conversations WHERE org_id = $1 AND id = ANY($2::uuid[]) AND status = 'open' AND assignee_id IS NULL
        ORDER BY last_customer_message_at, id FOR UPDATE SKIP LOCKED`,
      [orgId, ids],
    );
    return rows.map((r) => r.id);
  }

  /** Open conversations a member has held since before `before`. */
  async heldSince(orgId: string, memberId: string, before: Date): Promise<string[]> {
    const rows = await preparedQuery<{ id: string }>(
      this.db.manager,
      `SELECT id FROM conversations WHERE org_id = $1 AND assignee_id = $2::uuid AND status = 'open' AND assigned_at <= $3 ORDER BY id`,
      [orgId, memberId, before],
    );
    return rows.map((r) => r.id);
  }

  /** Orgs that requeue conversations of offline assignees, with their settings. */
  async requeueingOrgs(): Promise<{ orgId: string; requeueSeconds: number }[]> {
    const rows = await preparedQuery<{ id: string; s: number }>(this.db.manager, `SELECT id, requeue_offline_after_seconds AS s FROM orgs WHERE requeue_offline_after_seconds IS NOT NULL`, []);
    return rows.map((r) => ({ orgId: r.id, requeueSeconds: r.s }));
  }

  /** Members holding open conversations assigned before `before` (requeue candidates). */
  async holdersSince(orgId: string, before: Date): Promise<string[]> {
    const rows = await preparedQuery<{ assignee_id: string }>(
      this.db.manager,
      `SELECT DISTINCT assignee_id FROM conversations WHERE org_id = $1 AND status = 'open' AND assignee_id IS NOT NULL AND assigned_at <= $2`,
      [orgId, before],
    );
    return rows.map((r) => r.assignee_id);
  }
}
