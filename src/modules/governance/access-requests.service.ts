import { ConflictException, ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { decodeTimeIdCursor, Page, toPage } from '../../infra/http/pagination';
import { Permission } from '../access/permissions';
import type { Viewer } from '../access/viewer';
import { AuditService } from '../audit/audit.service';
import { UnitOfWork } from '../events/unit-of-work';
import { AccessRequestRepository, AccessRequestRow } from './access-request.repository';
import { AccessRequestView, CreateAccessRequestDto, ListAccessRequestsQueryDto } from './governance.dto';
import { GrantsService } from './grants.service';

export function toAccessRequestView(r: AccessRequestRow): AccessRequestView {
  return {
    id: r.id,
    memberId: r.member_id,
    permissions: r.permissions,
    durationMinutes: r.duration_minutes,
    reason: r.reason,
    conversationId: r.conversation_id,
    status: r.status,
    decidedById: r.decided_by_id,
    decidedAt: r.decided_at ? new Date(r.decided_at).toISOString() : null,
    grantId: r.grant_id,
    createdAt: new Date(r.created_at).toISOString(),
  };
}

/**
 * Access requests (seed 004: escalation approvals). Anyone may ask; the members of the units
 * above theirs who hold `grant.issue` are notified (NotificationsSubscriber, from the recorded
 * event); one of them decides, once. Approval issues the grant under the ordinary grant rule
 * (the approver must hold the permissions and have quota left).
 */
@Injectable()
export class AccessRequestsService {
  constructor(
    private readonly requests: AccessRequestRepository,
    private readonly grants: GrantsService,
    private readonly audit: AuditService,
    private readonly uow: UnitOfWork,
  ) {}

  async create(viewer: Viewer, dto: CreateAccessRequestDto): Promise<AccessRequestView> {
    if (dto.conversationId && !(await this.requests.conversationExists(viewer.orgId, dto.conversationId))) throw new NotFoundException('Conversation not found');
    return this.uow.run(async () => {
      const permissions = [...new Set(dto.permissions)].sort();
      const row = await this.requests.insert(viewer.orgId, { memberId: viewer.memberId, permissions, durationMinutes: dto.durationMinutes, reason: dto.reason, conversationId: dto.conversationId ?? null });
      this.uow.record({
        type: 'access_request.created',
        orgId: viewer.orgId,
        actorId: viewer.memberId,
        conversationId: row.conversation_id,
        customerId: null,
        data: { requestId: row.id, memberId: viewer.memberId, permissions, durationMinutes: row.duration_minutes, reason: row.reason },
      });
      const view = toAccessRequestView(row);
      await this.audit.record(viewer.orgId, { actorId: viewer.memberId, action: 'access_request.created', targetType: 'access_request', targetId: row.id, after: view });
      return view;
    });
  }

  decide(viewer: Viewer, id: string, status: 'approved' | 'denied'): Promise<AccessRequestView> {
    return this.uow.run(async () => {
      const r = await this.requests.lock(viewer.orgId, id);
      if (!r || (r.member_id !== viewer.memberId && !r.member_unit_path.startsWith(viewer.unitPath))) throw new NotFoundException('Access request not found');
      if (r.member_id === viewer.memberId) throw new ForbiddenException('You cannot decide your own access request');
      if (r.status !== 'pending') throw new ConflictException(`This access request was already ${r.status}`);
      const grant =
        status === 'approved'
          ? await this.grants.issueWithin(viewer, { memberId: r.member_id, permissions: r.permissions, durationMinutes: r.duration_minutes, reason: r.reason, accessRequestId: r.id })
          : null;
      const decided = await this.requests.decide(viewer.orgId, id, { status, decidedById: viewer.memberId, grantId: grant?.id ?? null });
      this.uow.record({
        type: 'access_request.decided',
        orgId: viewer.orgId,
        actorId: viewer.memberId,
        conversationId: r.conversation_id,
        customerId: null,
        data: { requestId: id, memberId: r.member_id, status, grantId: grant?.id ?? null },
      });
      const view = toAccessRequestView(decided);
      await this.audit.record(viewer.orgId, { actorId: viewer.memberId, action: `access_request.${status}`, targetType: 'access_request', targetId: id, before: toAccessRequestView(r), after: view });
      return view;
    });
  }

  /** The viewer's own requests, and with `grant.issue` those of members of their subtree. */
  async list(viewer: Viewer, q: ListAccessRequestsQueryDto): Promise<Page<AccessRequestView>> {
    const limit = q.limit ?? 50;
    const rows = await this.requests.list(viewer.orgId, {
      ownMemberId: viewer.memberId,
      subtreePath: viewer.permissions.has(Permission.GrantIssue) ? viewer.unitPath : null,
      status: q.status,
      after: decodeTimeIdCursor(q.cursor),
      limit,
    });
    return toPage(rows, limit, toAccessRequestView, (r) => [r.created_key, r.id]);
  }
}
