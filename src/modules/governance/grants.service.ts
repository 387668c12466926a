import { ForbiddenException, HttpException, HttpStatus, Injectable, NotFoundException, UnprocessableEntityException } from '@nestjs/common';
import { decodeTimeIdCursor, Page, toPage } from '../../infra/http/pagination';
import { Permission } from '../access/permissions';
import type { Viewer } from '../access/viewer';
import { ViewerRepository } from '../access/viewer.repository';
import { AuditService } from '../audit/audit.service';
import { UnitOfWork } from '../events/unit-of-work';
import { GrantView, ListGrantsQueryDto } from './governance.dto';
import { GrantRepository, GrantRow } from './grant.repository';

export function toGrantView(g: GrantRow, now = Date.now()): GrantView {
  const expiresAt = new Date(g.expires_at);
  return {
    id: g.id,
    memberId: g.member_id,
    permissions: g.permissions,
    issuedById: g.issued_by_id,
    accessRequestId: g.access_request_id,
    reason: g.reason,
    expiresAt: expiresAt.toISOString(),
    revokedAt: g.revoked_at ? new Date(g.revoked_at).toISOString() : null,
    revokedById: g.revoked_by_id,
    active: !g.revoked_at && expiresAt.getTime() > now,
    createdAt: new Date(g.created_at).toISOString(),
  };
}

export interface GrantRequest {
  memberId: string;
  permissions: readonly string[];
  durationMinutes: number;
  reason: string;
  accessRequestId: string | null;
}

/**
 * Temporary grants (seed 004: leads hand out permissions for a time, with a daily quota).
 * A grant takes effect through the Viewer (role ∪ live grants), which every request reads
 * fresh and every cached directory copy treats as stale once a grant in it expires; the
 * `members.permissions_changed` event recorded here reloads directories and tells the member's
 * sockets at once. Expiry needs no request: a job records it (GovernanceSubscriber schedules it).
 */
@Injectable()
export class GrantsService {
  constructor(
    private readonly grants: GrantRepository,
    private readonly viewers: ViewerRepository,
    private readonly audit: AuditService,
    private readonly uow: UnitOfWork,
  ) {}

  issue(issuer: Viewer, req: GrantRequest): Promise<GrantView> {
    return this.uow.run(() => this.issueWithin(issuer, req));
  }

  /** The grant rule, once: inside the caller's unit of work (issuing directly or approving a request). */
  async issueWithin(issuer: Viewer, req: GrantRequest): Promise<GrantView> {
    const target = await this.viewers.findActive(issuer.orgId, req.memberId);
    if (!target) throw new NotFoundException('Member not found');
    if (!target.unitPath.startsWith(issuer.unitPath)) throw new ForbiddenException('Grants can only be issued to members of your unit or the units below it');
    if (target.memberId === issuer.memberId) throw new UnprocessableEntityException('You cannot grant permissions to yourself');
    const permissions = [...new Set(req.permissions)].sort();
    const missing = permissions.filter((p) => !issuer.permissions.has(p as Permission));
    if (missing.length) throw new ForbiddenException(`You can only grant permissions you hold yourself (missing: ${missing.join(', ')})`);
    const [used, quota] = [await this.grants.countIssuedTodayLocked(issuer.orgId, issuer.memberId), await this.grants.quotaPerDay(issuer.orgId)];
    if (used >= quota) throw new HttpException(`Daily grant quota reached (${quota} per issuer per day)`, HttpStatus.TOO_MANY_REQUESTS);

    const row = await this.grants.insert(issuer.orgId, { memberId: target.memberId, permissions, issuedById: issuer.memberId, accessRequestId: req.accessRequestId, reason: req.reason, durationMinutes: req.durationMinutes });
    const view = toGrantView(row);
    const base = { orgId: issuer.orgId, actorId: issuer.memberId, conversationId: null, customerId: null };
    this.uow.record({ ...base, type: 'grant.issued', data: { grantId: row.id, memberId: target.memberId, permissions, expiresAt: view.expiresAt, accessRequestId: req.accessRequestId } });
    this.uow.record({ ...base, type: 'members.permissions_changed', data: { memberIds: [target.memberId] } });
    await this.audit.record(issuer.orgId, { actorId: issuer.memberId, action: 'grant.issued', targetType: 'member', targetId: target.memberId, after: view });
    return view;
  }

  revoke(viewer: Viewer, id: string): Promise<GrantView> {
    return this.uow.run(async () => {
      const found = await this.grants.find(viewer.orgId, id);
      if (!found || !found.member_unit_path.startsWith(viewer.unitPath)) throw new NotFoundException('Grant not found');
      const g = await this.grants.lock(viewer.orgId, id);
      if (!g) throw new NotFoundException('Grant not found');
      if (g.revoked_at) return toGrantView(g);
      const revoked = await this.grants.revoke(viewer.orgId, id, viewer.memberId);
      const base = { orgId: viewer.orgId, actorId: viewer.memberId, conversationId: null, customerId: null };
      this.uow.record({ ...base, type: 'grant.revoked', data: { grantId: id, memberId: g.member_id } });
      this.uow.record({ ...base, type: 'members.permissions_changed', data: { memberIds: [g.member_id] } });
      const view = toGrantView(revoked);
      await this.audit.record(viewer.orgId, { actorId: viewer.memberId, action: 'grant.revoked', targetType: 'member', targetId: g.member_id, before: toGrantView(g), after: view });
      return view;
    });
  }

  /**
   * Records a grant's expiry once (the job's work): the member's directories reload and their
   * sockets hear `permissions.changed`. Reads were already exact (grants are read with
   * `expires_at > now()`); this is what makes the change visible without a request.
   * Returns false when called before the expiry (the job retries).
   */
  recordExpiry(orgId: string, grantId: string): Promise<boolean> {
    return this.uow.run(async () => {
      const g = await this.grants.lock(orgId, grantId);
      if (!g || g.expiry_recorded_at || g.revoked_at) return true;
      if (new Date(g.expires_at).getTime() > Date.now()) return false;
      await this.grants.markExpiryRecorded(orgId, grantId);
      const base = { orgId, actorId: null, conversationId: null, customerId: null };
      this.uow.record({ ...base, type: 'grant.expired', data: { grantId, memberId: g.member_id } });
      this.uow.record({ ...base, type: 'members.permissions_changed', data: { memberIds: [g.member_id] } });
      await this.audit.record(orgId, { actorId: null, action: 'grant.expired', targetType: 'member', targetId: g.member_id, before: toGrantView(g) });
      return true;
    });
  }

  /** The viewer's own grants, and with `grant.issue` those of every member of their subtree. */
  async list(viewer: Viewer, q: ListGrantsQueryDto): Promise<Page<GrantView>> {
    const limit = q.limit ?? 50;
    const rows = await this.grants.list(viewer.orgId, {
      ownMemberId: viewer.memberId,
      subtreePath: viewer.permissions.has(Permission.GrantIssue) ? viewer.unitPath : null,
      memberId: q.memberId,
      activeOnly: q.active === true,
      after: decodeTimeIdCursor(q.cursor),
      limit,
    });
    const now = Date.now();
    return toPage(rows, limit, (r) => toGrantView(r, now), (r) => [r.created_key, r.id]);
  }
}
