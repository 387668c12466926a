import { Injectable } from '@nestjs/common';
import { Db } from '../../infra/database/db';
import type { SendWindow } from './send-window';

/** Reads a role's send window with its org's time zone (owned tables: roles, orgs; read only here). */
@Injectable()
export class SendWindowRepository {
  constructor(private readonly db: Db) {}

  async forRole(orgId: string, roleId: string): Promise<{ window: SendWindow | null; timezone: string }> {
    const [row] = await this.db.manager.query(
      `SELECT r.send_window, o.timezone FROM roles r JOIN orgs o ON o.id = r.org_id WHERE r.org_id = $1 AND r.id = $2::uuid`,
      [orgId, roleId],
    );
    return { window: row?.send_window ?? null, timezone: row?.timezone ?? 'UTC' };
  }
}
