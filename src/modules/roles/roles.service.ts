import { ConflictException, Injectable, NotFoundException, UnprocessableEntityException } from '@nestjs/common';
import { ALL_PERMISSIONS, BUILTIN_ROLE_PERMISSIONS } from '../access/permissions';
import type { Viewer } from '../access/viewer';
import { AuditService } from '../audit/audit.service';
import { UnitOfWork } from '../events/unit-of-work';
import type { SendWindow } from '../governance/send-window';
import { CreateRoleDto, RoleView, SendWindowDto, UpdateRoleDto } from './role.dto';
import { BuiltinRole, RoleEntity } from './role.entity';
import { RoleRepository } from './role.repository';
import { effectiveNotifications, validateNotifications } from './role-notifications';

const BUILTIN_NAMES: Record<BuiltinRole, string> = { administrator: 'Administrator', supervisor: 'Supervisor', agent: 'Agent' };

export function rolePermissions(role: Pick<RoleEntity, 'builtin' | 'permissions'>): string[] {
  return role.builtin === 'administrator' ? [...ALL_PERMISSIONS] : [...role.permissions].sort();
}

export function toRoleView(role: RoleEntity): RoleView {
  const permissions = rolePermissions(role);
  return {
    id: role.id,
    name: role.name,
    permissions,
    builtin: role.builtin !== null,
    builtinKey: role.builtin,
    notifications: effectiveNotifications(new Set(permissions), role.notifications ?? {}),
    maxOpenConversations: role.maxOpenConversations ?? null,
    sendWindow: role.sendWindow ?? null,
  };
}

@Injectable()
export class RolesService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly roles: RoleRepository,
    private readonly audit: AuditService,
  ) {}

  async list(viewer: Viewer): Promise<{ items: RoleView[] }> {
    return { items: (await this.roles.listAll(viewer.orgId)).map(toRoleView) };
  }

  async get(viewer: Viewer, id: string): Promise<RoleView> {
    const role = await this.roles.findById(viewer.orgId, id);
    if (!role) throw new NotFoundException('Role not found');
    return toRoleView(role);
  }

  /** Administrator, Supervisor and Agent, created with every org (inside the signup unit of work). */
  async createBuiltins(orgId: string): Promise<Record<BuiltinRole, RoleEntity>> {
    const out = {} as Record<BuiltinRole, RoleEntity>;
    for (const key of Object.keys(BUILTIN_NAMES) as BuiltinRole[]) {
      out[key] = await this.roles.create(orgId, { name: BUILTIN_NAMES[key], builtin: key, permissions: [...BUILTIN_ROLE_PERMISSIONS[key]], notifications: {} });
    }
    return out;
  }

  create(viewer: Viewer, dto: CreateRoleDto): Promise<RoleView> {
    return this.uow.run(async () => {
      const permissions = [...new Set(dto.permissions)];
      const notifications = validateNotifications(dto.notifications ?? {}, new Set(permissions));
      const role = await this.roles.create(viewer.orgId, { name: dto.name, permissions, builtin: null, notifications, maxOpenConversations: dto.maxOpenConversations ?? null, sendWindow: checkedSendWindow(dto.sendWindow) }).catch(rethrowDuplicateName);
      const view = toRoleView(role);
      await this.audit.record(viewer.orgId, { actorId: viewer.memberId, action: 'role.created', targetType: 'role', targetId: role.id, after: view });
      this.directoryChanged(viewer);
      return view;
    });
  }

  update(viewer: Viewer, id: string, dto: UpdateRoleDto): Promise<RoleView> {
    return this.uow.run(async () => {
      const role = await this.roles.lockById(viewer.orgId, id);
      if (!role) throw new NotFoundException('Role not found');
      const before = toRoleView(role);
      if (role.builtin === 'administrator') {
        const renames = dto.name !== undefined && dto.name !== role.name;
        const repermits = dto.permissions !== undefined && [...new Set(dto.permissions)].sort().join() !== before.permissions.join();
        if (renames || repermits) throw new UnprocessableEntityException('The built-in Administrator role cannot be renamed or have its permissions changed');
      }
      const permissions = dto.permissions && role.builtin !== 'administrator' ? [...new Set(dto.permissions)] : role.permissions;
      const stored = { ...role.notifications };
      if (dto.notifications) Object.assign(stored, validateNotifications(dto.notifications, new Set(rolePermissions({ ...role, permissions }))));
      await this.roles.update(viewer.orgId, id, {
        name: dto.name ?? role.name,
        permissions,
        notifications: stored,
        ...(dto.maxOpenConversations !== undefined ? { maxOpenConversations: dto.maxOpenConversations } : {}),
        ...(dto.sendWindow !== undefined ? { sendWindow: checkedSendWindow(dto.sendWindow) } : {}),
      }).catch(rethrowDuplicateName);
      const after = toRoleView((await this.roles.findById(viewer.orgId, id))!);
      await this.audit.record(viewer.orgId, { actorId: viewer.memberId, action: 'role.updated', targetType: 'role', targetId: id, before, after });
      // Under the role's row lock: the members holding it now are the ones whose permissions follow it.
      const memberIds = await this.roles.activeMemberIds(viewer.orgId, id);
      if (memberIds.length) {
        this.uow.record({ type: 'members.permissions_changed', orgId: viewer.orgId, actorId: viewer.memberId, conversationId: null, customerId: null, data: { memberIds } });
      }
      this.directoryChanged(viewer);
      return after;
    });
  }

  remove(viewer: Viewer, id: string): Promise<void> {
    return this.uow.run(async () => {
      const role = await this.roles.lockById(viewer.orgId, id);
      if (!role) throw new NotFoundException('Role not found');
      if (role.builtin) throw new UnprocessableEntityException(`The built-in ${role.name} role cannot be deleted`);
      const members = await this.roles.memberCount(viewer.orgId, id);
      if (members > 0) throw new ConflictException(`Role is still held by ${members} member(s)`);
      await this.roles.deleteById(viewer.orgId, id);
      await this.audit.record(viewer.orgId, { actorId: viewer.memberId, action: 'role.deleted', targetType: 'role', targetId: id, before: toRoleView(role) });
      this.directoryChanged(viewer);
    });
  }

  private directoryChanged(viewer: Viewer): void {
    this.uow.record({ type: 'directory.changed', orgId: viewer.orgId, actorId: viewer.memberId, conversationId: null, customerId: null, data: {} });
  }
}

function rethrowDuplicateName(err: { code?: string }): never {
  if (err.code === '23505') throw new ConflictException('A role with this name already exists');
  throw err;
}

/** A window must have a length: `from` equal to `to` is refused rather than guessed (all day or never). */
function checkedSendWindow(w: SendWindowDto | null | undefined): SendWindow | null {
  if (!w) return null;
  if (w.from === w.to) throw new UnprocessableEntityException('sendWindow: from and to must differ (use null for no restriction)');
  return { days: [...new Set(w.days)].sort((a, b) => a - b), from: w.from, to: w.to };
}
