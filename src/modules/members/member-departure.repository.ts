import { Injectable } from '@nestjs/common';
import { Db } from '../../infra/database/db';

/** The reads staff departure needs, and the leaver's own row; the moves go through each table's owner. */
@Injectable()
export class MemberDepartureRepository {
  constructor(private readonly db: Db) {}

  /** Channel accounts of the leaver's open conversations and bound customers (to check the handover's scope). */
  async channelAccountsInUse(orgId: string, leaverId: string): Promise<string[]> {
    const rows: { id: string }[] = await this.db.manager.query(
      `SELECT DISTINCT channel_account_id AS id FROM conversations WHERE org_id = $1 AND assignee_id = $2 AND status = 'open'
       UNION SELECT DISTINCT channel_account_id FROM customers WHERE org_id = $1 AND bound_member_id = $2`,
      [orgId, leaverId],
    );
    return rows.map((r) => r.id);
  }

  /** Conversations whose audience the departure changes: held by the leaver, or of customers bound to them. */
  async affectedConversationIds(orgId: string, leaverId: string): Promise<string[]> {
    const rows: { id: string }[] = await this.db.manager.query(
      `SELECT id FROM conversations WHERE org_id = $1 AND assignee_id = $2 AND status = 'open'
       UNION SELECT c.id FROM conversations c JOIN customers cu ON cu.id = c.customer_id WHERE cu.org_id = $1 AND cu.bound_member_id = $2`,
      [orgId, leaverId],
    );
    return rows.map((r) => r.id);
  }

  async deactivate(orgId: string, memberId: string): Promise<void> {
    await this.db.txManager.query(
      `UPDATE members SET status = 'deactivated', deactivated_at = now(), token_version = token_version + 1, updated_at = now()
        WHERE org_id = $1 AND id = $2`,
      [orgId, memberId],
    );
  }
}
