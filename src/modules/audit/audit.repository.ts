import { Injectable } from '@nestjs/common';
import { Db } from '../../infra/database/db';
import { AuditLogEntity } from './audit-log.entity';

export interface AuditEntry {
  actorId: string | null;
  action: string;
  targetType: string;
  targetId: string | null;
  before?: unknown;
  after?: unknown;
}

export interface AuditFilter {
  action?: string;
  actorId?: string;
  since?: Date;
  after?: { at: string; id: string };
  limit: number;
}

export interface AuditRow {
  id: string;
  actor_id: string | null;
  action: string;
  target_type: string;
  target_id: string | null;
  before: unknown;
  after: unknown;
  at: Date;
  at_key: string;
}

@Injectable()
export class AuditRepository {
  constructor(private readonly db: Db) {}

  /** Only inside a unit of work: the entry commits or rolls back with the change it describes. */
  async insert(orgId: string, entry: AuditEntry): Promise<void> {
    await this.db.txManager.getRepository(AuditLogEntity).insert({
      orgId,
      actorId: entry.actorId,
      action: entry.action,
      targetType: entry.targetType,
      targetId: entry.targetId,
      before: (entry.before ?? null) as object | null,
      after: (entry.after ?? null) as object | null,
    });
  }

  /** Newest first, keyset on (at, id); each filter combination has an index starting (org_id, …). */
  list(orgId: string, f: AuditFilter): Promise<AuditRow[]> {
    const params: unknown[] = [orgId];
    const where = ['org_id = $1'];
    const add = (sql: string, v: unknown) => {
      params.push(v);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (f.action) add('action = ?', f.action);
    if (f.actorId) add('actor_id = ?', f.actorId);
    if (f.since) add('at >= ?', f.since);
    if (f.after) {
      params.push(f.after.at, f.after.id);
      where.push(`(at, id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
    }
    params.push(f.limit + 1);
    return this.db.manager.query(
      `SELECT id, actor_id, action, target_type, target_id, before, after, at, at::text AS at_key
         FROM audit_logs WHERE ${where.join(' AND ')}
        ORDER BY at DESC, id DESC LIMIT $${params.length}`,
      params,
    );
  }
}
