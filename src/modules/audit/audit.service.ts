import { BadRequestException, Injectable } from '@nestjs/common';
import { decodeTimeIdCursor, Page, toPage } from '../../infra/http/pagination';
import type { Viewer } from '../access/viewer';
import { UnitOfWork } from '../events/unit-of-work';
import { AuditLogFilterDto, AuditLogQueryDto } from './audit.dto';
import { AuditEntry, AuditFilter, AuditRepository, AuditRow } from './audit.repository';

export interface AuditLogView {
  id: string;
  actorId: string | null;
  action: string;
  targetType: string;
  targetId: string | null;
  before: unknown;
  after: unknown;
  at: string;
}

@Injectable()
export class AuditService {
  constructor(
    private readonly audit: AuditRepository,
    private readonly uow: UnitOfWork,
  ) {}

  /** Records an admin action inside the caller's unit of work, so the log and the change commit together. */
  record(orgId: string, entry: AuditEntry): Promise<void> {
    return this.audit.insert(orgId, entry);
  }

  async list(viewer: Viewer, q: AuditLogQueryDto): Promise<Page<AuditLogView>> {
    const limit = q.limit ?? 50;
    const rows = await this.audit.list(viewer.orgId, { ...this.filter(viewer, q), after: decodeTimeIdCursor(q.cursor) ?? undefined, limit });
    return toPage(rows, limit, toAuditLogView, (r) => [r.at_key, r.id]);
  }

  /**
   * Every matching entry, newest first, in keyset pages of 500: a year of audit log is streamed,
   * never held in memory. The export itself is audited (with its query) before the first row.
   */
  async *exportCsv(viewer: Viewer, q: AuditLogFilterDto): AsyncGenerator<string> {
    const filter = this.filter(viewer, q);
    await this.uow.run(() =>
      this.audit.insert(viewer.orgId, { actorId: viewer.memberId, action: 'audit.exported', targetType: 'audit_log', targetId: null, after: { query: { ...q } } }),
    );
    yield csvLine(['id', 'at', 'actorId', 'action', 'targetType', 'targetId', 'before', 'after']);
    let after: { at: string; id: string } | undefined;
    for (;;) {
      const rows = await this.audit.list(viewer.orgId, { ...filter, after, limit: 500 });
      const page = rows.slice(0, 500);
      for (const r of page) {
        const v = toAuditLogView(r);
        yield csvLine([v.id, v.at, v.actorId ?? '', v.action, v.targetType, v.targetId ?? '', v.before === null ? '' : JSON.stringify(v.before), v.after === null ? '' : JSON.stringify(v.after)]);
      }
      if (rows.length <= 500) return;
      const last = page[page.length - 1];
      after = { at: last.at_key, id: last.id };
    }
  }

  /**
   * The query's filters and the viewer's scope: entries whose actor is in the viewer's own
   * subtree; the root unit's holders see everything, system entries included.
   */
  private filter(viewer: Viewer, q: AuditLogFilterDto): Omit<AuditFilter, 'limit' | 'after'> {
    const since = q.since ? new Date(q.since) : undefined;
    const until = q.until ? new Date(q.until) : undefined;
    if (since && Number.isNaN(since.getTime())) throw new BadRequestException('since must be an ISO-8601 timestamp');
    if (until && Number.isNaN(until.getTime())) throw new BadRequestException('until must be an ISO-8601 timestamp');
    const atRoot = viewer.unitPath.split('/').filter(Boolean).length === 1;
    return { action: q.action, actorId: q.actorId, since, until, targetType: q.targetType, targetId: q.targetId, actorUnitPath: atRoot ? undefined : viewer.unitPath };
  }
}

export function toAuditLogView(r: AuditRow): AuditLogView {
  return {
    id: r.id,
    actorId: r.actor_id,
    action: r.action,
    targetType: r.target_type,
    targetId: r.target_id,
    before: r.before,
    after: r.after,
    at: new Date(r.at).toISOString(),
  };
}

/** One RFC 4180 line; cells starting with = + - @ are prefixed so spreadsheets do not run them. */
export function csvLine(cells: readonly (string | number)[]): string {
  return (
    cells
      .map((c) => {
        let s = String(c);
        if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
        return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
      })
      .join(',') + '\r\n'
  );
}
