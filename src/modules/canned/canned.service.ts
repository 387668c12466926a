import { ConflictException, ForbiddenException, Injectable, NotFoundException, UnprocessableEntityException } from '@nestjs/common';
import { AccessPolicy } from '../access/access.policy';
import { Permission } from '../access/permissions';
import type { Viewer } from '../access/viewer';
import { AuditService } from '../audit/audit.service';
import { UnitOfWork } from '../events/unit-of-work';
import { unitAncestorIds } from '../units/unit.entity';
import { CannedQueryDto, CannedResponseView, CreateCannedResponseDto, UpdateCannedResponseDto } from './canned.dto';
import { CannedRepository, CannedRow } from './canned.repository';

const view = (r: CannedRow): CannedResponseView => ({
  id: r.id,
  shortcode: r.shortcode,
  title: r.title,
  text: r.text,
  unitId: r.unit_id,
  createdAt: new Date(r.created_at).toISOString(),
  updatedAt: new Date(r.updated_at).toISOString(),
});

const audited = (r: Pick<CannedResponseView, 'shortcode' | 'title' | 'text' | 'unitId'>) => ({ shortcode: r.shortcode, title: r.title, text: r.text, unitId: r.unitId });

function rethrowDuplicate(e: { code?: string }): never {
  if (e.code === '23505') throw new ConflictException('This unit already has a canned response with this shortcode');
  throw e;
}

/**
 * SPEC §16. Offered to a member: org-wide responses and those of their unit and its ancestors
 * (a unit's response is for that unit and everything below it). Edited (canned.manage, checked
 * by the route) only for a unit in the editor's own subtree; org-wide ones need org.manage.
 */
@Injectable()
export class CannedService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly canned: CannedRepository,
    private readonly policy: AccessPolicy,
    private readonly audit: AuditService,
  ) {}

  async list(viewer: Viewer, q: CannedQueryDto): Promise<{ items: CannedResponseView[] }> {
    const prefix = q.q ? q.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`) : null;
    const rows = q.manageable
      ? this.policy.has(viewer, Permission.CannedManage)
        ? await this.canned.list(viewer.orgId, { unitIds: [], orgWide: this.policy.has(viewer, Permission.OrgManage), subtreePath: viewer.unitPath, prefix })
        : []
      : await this.canned.list(viewer.orgId, { unitIds: unitAncestorIds(viewer.unitPath), orgWide: true, subtreePath: null, prefix });
    return { items: rows.map(view) };
  }

  create(viewer: Viewer, dto: CreateCannedResponseDto): Promise<CannedResponseView> {
    return this.uow
      .run(async () => {
        const unitId = dto.unitId ?? null;
        await this.assertMayEdit(viewer, unitId, await this.pathOf(viewer, unitId));
        const id = await this.canned.insert(viewer.orgId, { unitId, shortcode: dto.shortcode, title: dto.title, text: dto.text, createdById: viewer.memberId });
        const created = view((await this.canned.findById(viewer.orgId, id))!);
        await this.audit.record(viewer.orgId, { actorId: viewer.memberId, action: 'canned_response.created', targetType: 'canned_response', targetId: id, after: audited(created) });
        return created;
      })
      .catch(rethrowDuplicate);
  }

  update(viewer: Viewer, id: string, dto: UpdateCannedResponseDto): Promise<CannedResponseView> {
    return this.uow
      .run(async () => {
        const row = await this.requireEditable(viewer, id);
        const unitId = dto.unitId === undefined ? row.unit_id : dto.unitId;
        if (unitId !== row.unit_id) await this.assertMayEdit(viewer, unitId, await this.pathOf(viewer, unitId));
        const next = { unitId, shortcode: dto.shortcode ?? row.shortcode, title: dto.title ?? row.title, text: dto.text ?? row.text };
        await this.canned.update(viewer.orgId, id, next);
        const updated = view((await this.canned.findById(viewer.orgId, id))!);
        await this.audit.record(viewer.orgId, {
          actorId: viewer.memberId,
          action: 'canned_response.updated',
          targetType: 'canned_response',
          targetId: id,
          before: audited(view(row)),
          after: audited(updated),
        });
        return updated;
      })
      .catch(rethrowDuplicate);
  }

  async remove(viewer: Viewer, id: string): Promise<void> {
    await this.uow.run(async () => {
      const row = await this.requireEditable(viewer, id);
      await this.canned.delete(viewer.orgId, id);
      await this.audit.record(viewer.orgId, { actorId: viewer.memberId, action: 'canned_response.deleted', targetType: 'canned_response', targetId: id, before: audited(view(row)) });
    });
  }

  /**
   * Locked for the change. A response the viewer can neither use nor manage answers 404 (like
   * any unknown id); one they can see but not edit (an ancestor unit's, org-wide without
   * org.manage) 403.
   */
  private async requireEditable(viewer: Viewer, id: string): Promise<CannedRow> {
    const row = await this.canned.lockById(viewer.orgId, id);
    const offered = row && (row.unit_id === null || unitAncestorIds(viewer.unitPath).includes(row.unit_id));
    const manageable = row && row.unit_path !== null && this.policy.coversUnit(viewer, row.unit_path);
    if (!row || (!offered && !manageable)) throw new NotFoundException('Canned response not found');
    await this.assertMayEdit(viewer, row.unit_id, row.unit_path);
    return row;
  }

  private async pathOf(viewer: Viewer, unitId: string | null): Promise<string | null> {
    if (unitId === null) return null;
    const path = await this.canned.unitPath(viewer.orgId, unitId);
    if (path === null) throw new UnprocessableEntityException('unitId is not a unit of this organisation');
    return path;
  }

  private async assertMayEdit(viewer: Viewer, unitId: string | null, unitPath: string | null): Promise<void> {
    if (unitId === null) {
      if (!this.policy.has(viewer, Permission.OrgManage)) throw new ForbiddenException('Org-wide canned responses need org.manage');
      return;
    }
    if (!unitPath || !this.policy.coversUnit(viewer, unitPath)) throw new ForbiddenException('You can manage canned responses of your unit and the units below it only');
  }
}
