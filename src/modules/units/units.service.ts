import { ConflictException, Injectable, NotFoundException, UnprocessableEntityException } from '@nestjs/common';
import { randomUUID } from 'crypto';
import type { Viewer } from '../access/viewer';
import { AuditService } from '../audit/audit.service';
import { UnitOfWork } from '../events/unit-of-work';
import { OrgRepository } from '../orgs/org.repository';
import { CreateUnitDto, UnitView, UpdateUnitDto } from './unit.dto';
import { UnitEntity } from './unit.entity';
import { UnitRepository } from './unit.repository';

export const toUnitView = (u: UnitEntity): UnitView => ({ id: u.id, name: u.name, parentId: u.parentId, depth: u.depth, routing: u.routing ?? 'manual' });

@Injectable()
export class UnitsService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly units: UnitRepository,
    private readonly orgs: OrgRepository,
    private readonly audit: AuditService,
  ) {}

  async list(viewer: Viewer): Promise<{ items: UnitView[] }> {
    return { items: (await this.units.listAll(viewer.orgId)).map(toUnitView) };
  }

  async get(viewer: Viewer, id: string): Promise<UnitView> {
    return toUnitView(await this.require(viewer.orgId, id));
  }

  /** The root unit of a new org; called inside the signup unit of work. */
  async createRoot(orgId: string, name: string): Promise<UnitEntity> {
    const id = randomUUID();
    return this.units.create(orgId, { id, name, parentId: null, depth: 1, path: `/${id}/` } as Partial<UnitEntity>);
  }

  create(viewer: Viewer, dto: CreateUnitDto): Promise<UnitView> {
    return this.uow.run(async () => {
      // The org row lock serializes tree changes, so depth checks cannot race a concurrent move.
      const org = await this.orgs.lock(viewer.orgId);
      const parent = await this.units.findById(viewer.orgId, dto.parentId);
      if (!org || !parent) throw new UnprocessableEntityException('parentId does not name a unit of this organisation');
      if (parent.depth + 1 > org.maxUnitDepth) {
        throw new UnprocessableEntityException(`Units may be at most ${org.maxUnitDepth} levels deep (maxUnitDepth)`);
      }
      const id = randomUUID();
      const unit = await this.units
        .create(viewer.orgId, { id, name: dto.name, parentId: parent.id, depth: parent.depth + 1, path: `${parent.path}${id}/` } as Partial<UnitEntity>)
        .catch(rethrowDuplicateName);
      await this.audit.record(viewer.orgId, {
        actorId: viewer.memberId,
        action: 'unit.created',
        targetType: 'unit',
        targetId: unit.id,
        after: toUnitView(unit),
      });
      this.directoryChanged(viewer);
      return toUnitView(unit);
    });
  }

  update(viewer: Viewer, id: string, dto: UpdateUnitDto): Promise<UnitView> {
    return this.uow.run(async () => {
      const org = await this.orgs.lock(viewer.orgId);
      const unit = await this.units.lockById(viewer.orgId, id);
      if (!org || !unit) throw new NotFoundException('Unit not found');
      const before = toUnitView(unit);

      if (dto.parentId !== undefined && dto.parentId !== unit.parentId) {
        if (unit.parentId === null) throw new UnprocessableEntityException('The root unit cannot be moved');
        const parent = await this.units.findById(viewer.orgId, dto.parentId);
        if (!parent) throw new UnprocessableEntityException('parentId does not name a unit of this organisation');
        if (parent.path.startsWith(unit.path)) {
          throw new UnprocessableEntityException('A unit cannot be moved under itself or its descendants');
        }
        const depthDelta = parent.depth + 1 - unit.depth;
        const deepest = await this.units.maxDepthUnder(viewer.orgId, unit.path);
        if (deepest + depthDelta > org.maxUnitDepth) {
          throw new UnprocessableEntityException(`The move would exceed ${org.maxUnitDepth} levels (maxUnitDepth)`);
        }
        await this.units.update(viewer.orgId, unit.id, { parentId: parent.id }).catch(rethrowDuplicateName);
        await this.units.moveSubtree(viewer.orgId, unit.path, `${parent.path}${unit.id}/`, depthDelta);
      }
      if (dto.name !== undefined && dto.name !== unit.name) {
        await this.units.update(viewer.orgId, unit.id, { name: dto.name }).catch(rethrowDuplicateName);
      }
      if (dto.routing !== undefined && dto.routing !== unit.routing) await this.units.update(viewer.orgId, unit.id, { routing: dto.routing });
      const moved = (await this.units.findById(viewer.orgId, id))!;
      const after = toUnitView(moved);
      await this.audit.record(viewer.orgId, { actorId: viewer.memberId, action: 'unit.updated', targetType: 'unit', targetId: id, before, after });
      if (dto.parentId !== undefined) {
        // Everyone in the moved subtree sees through new ancestors: read under the move, in this transaction.
        const memberIds = await this.units.activeMemberIdsUnder(viewer.orgId, moved.path);
        if (memberIds.length) {
          this.uow.record({ type: 'members.permissions_changed', orgId: viewer.orgId, actorId: viewer.memberId, conversationId: null, customerId: null, data: { memberIds } });
        }
      }
      this.directoryChanged(viewer);
      return after;
    });
  }

  remove(viewer: Viewer, id: string): Promise<void> {
    return this.uow.run(async () => {
      await this.orgs.lock(viewer.orgId);
      const unit = await this.units.lockById(viewer.orgId, id);
      if (!unit) throw new NotFoundException('Unit not found');
      if (unit.parentId === null) throw new ConflictException('The root unit cannot be deleted');
      const usage = await this.units.usage(viewer.orgId, id);
      const blockers = [
        usage.children ? `${usage.children} child unit(s)` : '',
        usage.members ? `${usage.members} member(s)` : '',
        usage.boundCustomers ? `${usage.boundCustomers} bound customer(s)` : '',
      ].filter(Boolean);
      if (blockers.length) throw new ConflictException(`Unit still has ${blockers.join(', ')}`);
      await this.units.deleteById(viewer.orgId, id);
      await this.audit.record(viewer.orgId, { actorId: viewer.memberId, action: 'unit.deleted', targetType: 'unit', targetId: id, before: toUnitView(unit) });
      this.directoryChanged(viewer);
    });
  }

  private directoryChanged(viewer: Viewer): void {
    this.uow.record({ type: 'directory.changed', orgId: viewer.orgId, actorId: viewer.memberId, conversationId: null, customerId: null, data: {} });
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
