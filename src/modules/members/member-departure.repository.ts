import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { updateReturning } from '../../infra/database/returning';

/**
 * Staff departure in bulk SQL: a constant number of statements whatever the number of
 * bindings and conversations (thousands move in one transaction).
 */
@Injectable()
export class MemberDepartureRepository {
  /** Channel accounts of the leaver's open conversations and bound customers (to check the handover's scope). */
  async channelAccountsInUse(orgId: string, leaverId: string, em: EntityManager): Promise<string[]> {
    const rows: { id: string }[] = await em.query(
      `SELECT DISTINCT channel_account_id AS id FROM conversations WHERE org_id = $1 AND assignee_id = $2 AND status = 'open'
       UNION SELECT DISTINCT channel_account_id FROM customers WHERE org_id = $1 AND bound_member_id = $2`,
      [orgId, leaverId],
    );
    return rows.map((r) => r.id);
  }

  /** Conversations whose audience the departure changes: held by the leaver, or of customers bound to them. */
  async affectedConversationIds(orgId: string, leaverId: string, em: EntityManager): Promise<string[]> {
    const rows: { id: string }[] = await em.query(
      `SELECT id FROM conversations WHERE org_id = $1 AND assignee_id = $2 AND status = 'open'
       UNION SELECT c.id FROM conversations c JOIN customers cu ON cu.id = c.customer_id WHERE cu.org_id = $1 AND cu.bound_member_id = $2`,
      [orgId, leaverId],
    );
    return rows.map((r) => r.id);
  }

  /** Every customer bound to the leaver → the handover member and their unit (tag follows the unit). */
  async moveBindings(orgId: string, leaverId: string, to: { memberId: string; unitId: string }, em: EntityManager): Promise<number> {
    const [row] = await em.query(
      `WITH moved AS (
         UPDATE customers cu
            SET bound_member_id = $3, bound_unit_id = $4, updated_at = now(),
                tags = CASE WHEN nu.name = ANY (array_remove(cu.tags, ou.name)) THEN array_remove(cu.tags, ou.name)
                            ELSE array_append(array_remove(cu.tags, ou.name), nu.name) END
           FROM units nu, units ou
          WHERE cu.org_id = $1 AND cu.bound_member_id = $2 AND nu.id = $4 AND ou.id = cu.bound_unit_id
         RETURNING cu.id),
       mirrored AS (
         UPDATE conversations c SET bound_unit_id = $4, updated_at = now() FROM moved WHERE c.org_id = $1 AND c.customer_id = moved.id RETURNING c.id)
       SELECT (SELECT count(*)::int FROM moved) AS n, (SELECT count(*) FROM mirrored) AS m`,
      [orgId, leaverId, to.memberId, to.unitId],
    );
    return row.n;
  }

  /**
   * Every open conversation held by the leaver: the assignment ends (`member_deactivated`),
   * a closing system message marks private sessions, and a new assignment to the handover
   * member starts. Returns the moved conversation ids.
   */
  async moveConversations(orgId: string, leaverId: string, to: { memberId: string; unitId: string }, actorId: string, note: string, em: EntityManager): Promise<string[]> {
    const ended = await updateReturning<{ conversation_id: string; started_at: Date }>(
      em,
      `UPDATE assignments a SET ended_at = clock_timestamp(), end_reason = 'member_deactivated', ended_by_id = $3
         FROM conversations c
        WHERE a.org_id = $1 AND a.member_id = $2 AND a.ended_at IS NULL AND c.id = a.conversation_id AND c.status = 'open'
       RETURNING a.conversation_id, a.started_at`,
      [orgId, leaverId, actorId],
    );
    if (ended.length === 0) return [];
    const ids = ended.map((e) => e.conversation_id);
    await em.query(
      `INSERT INTO messages (org_id, conversation_id, channel_account_id, direction, kind, content_type, text, sender_type)
       SELECT c.org_id, c.id, c.channel_account_id, 'out', 'system', 'system', 'private_session_ended', 'system'
         FROM conversations c JOIN unnest($2::uuid[], $3::timestamptz[]) AS e(id, started_at) ON e.id = c.id
        WHERE c.org_id = $1 AND EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = c.id AND m.private AND m.created_at >= e.started_at)`,
      [orgId, ids, ended.map((e) => e.started_at)],
    );
    await em.query(
      `INSERT INTO assignments (org_id, conversation_id, member_id, unit_id, assigned_by_id, note)
       SELECT $1, u.id, $3, $4, $5, $6 FROM unnest($2::uuid[]) AS u(id)`,
      [orgId, ids, to.memberId, to.unitId, actorId, note],
    );
    await em.query(
      `UPDATE conversations SET assignee_id = $3, assignee_unit_id = $4, assigned_at = now(), last_assignee_id = $3,
              last_assignee_unit_id = $4, last_assigned_at = now(), updated_at = now()
        WHERE org_id = $1 AND id = ANY($2::uuid[])`,
      [orgId, ids, to.memberId, to.unitId],
    );
    return ids;
  }

  async deactivate(orgId: string, memberId: string, em: EntityManager): Promise<void> {
    await em.query(
      `UPDATE members SET status = 'deactivated', deactivated_at = now(), token_version = token_version + 1, updated_at = now()
        WHERE org_id = $1 AND id = $2`,
      [orgId, memberId],
    );
  }
}
