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
  until?: Date;
  targetType?: string;
  targetId?: string;
  /** Only entries whose actor is a member of this unit or below (system entries excluded); undefined = the whole org. */
  actorUnitPath?: string;
  after?: { at: string; id: string };
  limit: number;
}

/** An entry derived from a committed event; `eventId` makes recording it again a no-op. */
export interface EventAuditEntry extends AuditEntry {
  eventId: string;
  at: Date;
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

  /** Outside any transaction (the relay's subscriber): entries of committed events, each once. */
  async insertFromEvents(orgId: string, entries: readonly EventAuditEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await this.db.manager.query(
      `INSERT INTO audit_logs (org_id, actor_id, action, target_type, target_id, before, after, at, event_id)
       SELECT $1, e.actor_id, e.action, e.target_type, e.target_id, e.before, e.after, e.at, e.event_id
         FROM jsonb_to_recordset($2::jsonb) AS e(actor_id uuid, action text, target_type text, target_id text, before jsonb, after jsonb, at timestamptz, event_id bigint)
       ON CONFLICT (event_id) WHERE event_id IS NOT NULL DO NOTHING`,
      [
        orgId,
        JSON.stringify(
          entries.map((e) => ({ actor_id: e.actorId, action: e.action, target_type: e.targetType, target_id: e.targetId, before: e.before ?? null, after: e.after ?? null, at: e.at.toISOString(), event_id: e.eventId })),
        ),
      ],
    );
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
    if (f.until) add('at < ?', f.until);
    if (f.targetType) add('target_type = ?', f.targetType);
    if (f.targetId) add('target_id = ?', f.targetId);
    if (f.actorUnitPath !== undefined) {
      add(
        `actor_id IN (SELECT m.id FROM members m JOIN units u ON u.org_id = m.org_id AND u.id = m.unit_id WHERE m.org_id = $1 AND u.path LIKE ?)`,
        `${f.actorUnitPath.replace(/[\\%_]/g, (c) => `\\${c}`)}%`,
      );
    }
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
