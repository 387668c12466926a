import { BadRequestException, Injectable } from '@nestjs/common';
import { decodeTimeIdCursor, Page, toPage } from '../../infra/http/pagination';
import type { Viewer } from '../access/viewer';
import { AuditEntry, AuditRepository } from './audit.repository';
import { AuditLogQueryDto } from './audit.dto';

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
  constructor(private readonly audit: AuditRepository) {}

  /** Records an admin action inside the caller's unit of work, so the log and the change commit together. */
  record(orgId: string, entry: AuditEntry): Promise<void> {
    return this.audit.insert(orgId, entry);
  }

  async list(viewer: Viewer, q: AuditLogQueryDto): Promise<Page<AuditLogView>> {
    const limit = q.limit ?? 50;
    const after = decodeTimeIdCursor(q.cursor);
    const since = q.since ? new Date(q.since) : undefined;
    if (since && Number.isNaN(since.getTime())) throw new BadRequestException('since must be an ISO-8601 timestamp');
    const rows = await this.audit.list(viewer.orgId, {
      action: q.action,
      actorId: q.actorId,
      since,
      after: after ?? undefined,
      limit,
    });
    return toPage(
      rows,
      limit,
      (r) => ({
        id: r.id,
        actorId: r.actor_id,
        action: r.action,
        targetType: r.target_type,
        targetId: r.target_id,
        before: r.before,
        after: r.after,
        at: new Date(r.at).toISOString(),
      }),
      (r) => [r.at_key, r.id],
    );
  }
}
