import { Injectable } from '@nestjs/common';
import { Db } from '../../infra/database/db';
import { preparedQuery } from '../../infra/database/prepared';

export interface PresenceSettings {
  graceSeconds: number;
  requeueOfflineAfterSeconds: number | null;
}

/** The org settings presence and requeueing read (the `orgs` row is the OrgRepository's to write). */
@Injectable()
export class PresenceRepository {
  constructor(private readonly db: Db) {}

  async settings(orgId: string): Promise<PresenceSettings> {
    const [row] = await preparedQuery<{ g: number; r: number | null }>(
      this.db.manager,
      `SELECT presence_grace_seconds AS g, requeue_offline_after_seconds AS r FROM orgs WHERE id = $1::uuid`,
      [orgId],
    );
    return { graceSeconds: row?.g ?? 60, requeueOfflineAfterSeconds: row?.r ?? null };
  }
}
