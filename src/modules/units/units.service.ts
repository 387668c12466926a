import { ConflictException, Injectable, NotFoundException, UnprocessableEntityException } from '@nestjs/common';
import { randomUUID } from 'crypto';
import { DataSource, EntityManager } from 'typeorm';
import type { Viewer } from '../access/viewer';
import { AuditService } from '../audit/audit.service';
import { RealtimeService } from '../realtime/realtime.service';
import { OrgRepository } from '../orgs/org.repository';
import { CreateUnitDto, UnitView, UpdateUnitDto } from './unit.dto';
import { UnitEntity } from './unit.entity';
import { UnitRepository } from './unit.repository';

export const toUnitView = (u: UnitEntity): UnitView => ({ id: u.id, name: u.name, parentId: u.parentId, depth: u.depth });

@Injectable()
export class UnitsService {
  constructor(
    private readonly ds: DataSource,
    private readonly units: UnitRepository,
    private readonly orgs: OrgRepository,
    private readonly audit: AuditService,
    private readonly realtime: RealtimeService,
  ) {}

  async list(viewer: Viewer): Promise<{ items: UnitView[] }> {
    return { items: (await this.units.listAll(viewer.orgId)).map(toUnitView) };
  }

  async get(viewer: Viewer, id: string): Promise<UnitView> {
    return toUnitView(await this.require(viewer.orgId, id));
  }

  /** The root unit of a new org; called inside the signup transaction. */
  async createRoot(orgId: string, name: string, em: EntityManager): Promise<UnitEntity> {
    const id = randomUUID();
    return this.units.create(orgId, { id, name, parentId: null, depth: 1, path: `/${id}/` } as Partial<UnitEntity>, em);
  }

  create(viewer: Viewer, dto: CreateUnitDto): Promise<UnitView> {
    return this.ds.transaction(async (em) => {
      // The org row lock serializes tree changes, so depth checks cannot race a concurrent move.
      const org = await this.orgs.lock(viewer.orgId, em);
      const parent = await this.units.findById(viewer.orgId, dto.parentId, em);
      if (!org || !parent) throw new UnprocessableEntityException('parentId does not name a unit of this organisation');
      if (parent.depth + 1 > org.maxUnitDepth) {
        throw new UnprocessableEntityException(`Units may be at most ${org.maxUnitDepth} levels deep (maxUnitDepth)`);
      }
      const id = randomUUID();
      const unit = await this.units
        .create(viewer.orgId, { id, name: dto.name, parentId: parent.id, depth: parent.depth + 1, path: `${parent.path}${id}/` } as Partial<UnitEntity>, em)
        .catch(rethrowDuplicateName);
      await this.audit.record(em, viewer.orgId, {
        actorId: viewer.memberId,
        action: 'unit.created',
        targetType: 'unit',
        targetId: unit.id,
        after: toUnitView(unit),
      });
      return toUnitView(unit);
    });
  }

  async update(viewer: Viewer, id: string, dto: UpdateUnitDto): Promise<UnitView> {
    const after = await this.updateInTx(viewer, id, dto);
    if (dto.parentId !== undefined) {
      const moved = await this.units.findById(viewer.orgId, id);
      if (moved) await this.realtime.unitTreeChanged(viewer.orgId, moved.path);
    }
    return after;
  }

  private updateInTx(viewer: Viewer, id: string, dto: UpdateUnitDto): Promise<UnitView> {
    return this.ds.transaction(async (em) => {
      const org = await this.orgs.lock(viewer.orgId, em);
      const unit = await this.units.lockById(viewer.orgId, id, em);
      if (!org || !unit) throw new NotFoundException('Unit not found');
      const before = toUnitView(unit);

      if (dto.parentId !== undefined && dto.parentId !== unit.parentId) {
        if (unit.parentId === null) throw new UnprocessableEntityException('The root unit cannot be moved');
        const parent = await this.units.findById(viewer.orgId, dto.parentId, em);
        if (!parent) throw new UnprocessableEntityException('parentId does not name a unit of this organisation');
        if (parent.path.startsWith(unit.path)) {
          throw new UnprocessableEntityException('A unit cannot be moved under itself or its descendants');
        }
        const depthDelta = parent.depth + 1 - unit.depth;
        const deepest = await this.units.maxDepthUnder(viewer.orgId, unit.path, em);
        if (deepest + depthDelta > org.maxUnitDepth) {
          throw new UnprocessableEntityException(`The move would exceed ${org.maxUnitDepth} levels (maxUnitDepth)`);
        }
        await this.units.update(viewer.orgId, unit.id, { parentId: parent.id }, em).catch(rethrowDuplicateName);
        await this.units.moveSubtree(viewer.orgId, unit.path, `${parent.path}${unit.id}/`, depthDelta, em);
      }
      if (dto.name !== undefined && dto.name !== unit.name) {
        await this.units.update(viewer.orgId, unit.id, { name: dto.name }, em).catch(rethrowDuplicateName);
      }
      const after = toUnitView((await this.units.findById(viewer.orgId, id, em))!);
      await this.audit.record(em, viewer.orgId, { actorId: viewer.memberId, action: 'unit.updated', targetType: 'unit', targetId: id, before, after });
      return after;
    });
  }

  remove(viewer: Viewer, id: string): Promise<void> {
    return this.ds.transaction(async (em) => {
      await this.orgs.lock(viewer.orgId, em);
      const unit = await this.units.lockById(viewer.orgId, id, em);
      if (!unit) throw new NotFoundException('Unit not found');
      if (unit.parentId === null) throw new ConflictException('The root unit cannot be deleted');
      const usage = await this.units.usage(viewer.orgId, id, em);
      const blockers = [
        usage.children ? `${usage.children} child unit(s)` : '',
        usage.members ? `${usage.members} member(s)` : '',
        usage.boundCustomers ? `${usage.boundCustomers} bound customer(s)` : '',
      ].filter(Boolean);
      if (blockers.length) throw new ConflictException(`Unit still has ${blockers.join(', ')}`);
      await this.units.deleteById(viewer.orgId, id, em);
      await this.audit.record(em, viewer.orgId, { actorId: viewer.memberId, action: 'unit.deleted', targetType: 'unit', targetId: id, before: toUnitView(unit) });
    });
  }

  private async require(orgId: string, id: string): Promise<UnitEntity> {
    const unit = await this.units.findById(orgId, id);
    if (!unit) throw new NotFoundException('Unit not found');
    return unit;
  }
}

function rethrowDuplicateName(err: { code?: string }): never {
  if (err.code === '23505') throw new ConflictException('A sibling unit already has this name');
  throw err;
}
