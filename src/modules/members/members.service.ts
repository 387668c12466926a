import { ConflictException, Injectable, NotFoundException, UnprocessableEntityException } from '@nestjs/common';
import { decodeTimeIdCursor, Page, toPage } from '../../infra/http/pagination';
import type { Viewer } from '../access/viewer';
import { AuditService } from '../audit/audit.service';
import { UnitOfWork } from '../events/unit-of-work';
import { PresenceService } from '../presence/presence.service';
import { RoleRepository } from '../roles/role.repository';
import { UnitRepository } from '../units/unit.repository';
import { CreateMemberDto, ListMembersQueryDto, MemberView, UpdateMemberDto } from './member.dto';
import { MemberEntity } from './member.entity';
import { MemberRepository } from './member.repository';
import { hashPassword } from './password-hash';

export const toMemberView = (m: MemberEntity): MemberView => ({
  id: m.id,
  email: m.email,
  displayName: m.displayName,
  unitId: m.unitId,
  roleId: m.roleId,
  status: m.status,
  channelAccountIds: m.channelAccountIds,
  createdAt: m.createdAt.toISOString(),
});

export { hashPassword };

@Injectable()
export class MembersService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly members: MemberRepository,
    private readonly units: UnitRepository,
    private readonly roles: RoleRepository,
    private readonly audit: AuditService,
    private readonly presence: PresenceService,
  ) {}

  async list(viewer: Viewer, q: ListMembersQueryDto): Promise<Page<MemberView>> {
    const limit = q.limit ?? 100;
    const key = decodeTimeIdCursor(q.cursor);
    const rows = await this.members.list(viewer.orgId, {
      unitId: q.unitId,
      roleId: q.roleId,
      status: q.status,
      after: key ? { createdAt: key.at, id: key.id } : undefined,
      limit,
    });
    const page = toPage(rows, limit, toMemberView, (r) => [r.createdKey, r.id]);
    const presence = await this.presence.presenceOf(viewer.orgId, page.items.map((m) => m.id));
    return { ...page, items: page.items.map((m) => ({ ...m, presence: presence.get(m.id) ?? 'offline' })) };
  }

  async get(viewer: Viewer, id: string): Promise<MemberView> {
    const member = await this.members.findById(viewer.orgId, id);
    if (!member) throw new NotFoundException('Member not found');
    const presence = await this.presence.presenceOf(viewer.orgId, [member.id]);
    return { ...toMemberView(member), presence: presence.get(member.id) ?? 'offline' };
  }

  /** Used by signup (first admin) and by POST /members, inside their unit of work; validates references within the org. */
  /** `passwordHash`: hashed by the caller before its unit of work (argon2 must not hold a pooled connection). */
  async createInTx(orgId: string, actorId: string | null, dto: Omit<CreateMemberDto, 'password'>, passwordHash: string): Promise<MemberEntity> {
    await this.assertReferences(orgId, dto);
    const member = await this.members
      .create(orgId, {
        email: dto.email,
        displayName: dto.displayName,
        passwordHash,
        unitId: dto.unitId,
        roleId: dto.roleId,
        status: 'active',
        channelAccountIds: dto.channelAccountIds ?? [],
        tokenVersion: 0,
      })
      .catch(rethrowDuplicateEmail);
    await this.audit.record(orgId, { actorId, action: 'member.created', targetType: 'member', targetId: member.id, after: toMemberView(member) });
    this.uow.record({ type: 'directory.changed', orgId, actorId, conversationId: null, customerId: null, data: {} });
    return member;
  }

  async create(viewer: Viewer, dto: CreateMemberDto): Promise<MemberView> {
    const passwordHash = await hashPassword(dto.password);
    // A member just created has no socket yet: offline, as GET /members/:id will say.
    return this.uow.run(async () => ({ ...toMemberView(await this.createInTx(viewer.orgId, viewer.memberId, dto, passwordHash)), presence: 'offline' as const }));
  }

  async update(viewer: Viewer, id: string, dto: UpdateMemberDto): Promise<MemberView> {
    // Hashed before the unit of work: argon2 must not run while the administrators' rows are locked.
    const passwordHash = dto.password !== undefined ? await hashPassword(dto.password) : undefined;
    return this.uow.run(async () => {
      const admins = await this.members.lockActiveAdministrators(viewer.orgId);
      const member = await this.members.lockById(viewer.orgId, id);
      if (!member) throw new NotFoundException('Member not found');
      await this.assertReferences(viewer.orgId, dto);
      if (dto.roleId && dto.roleId !== member.roleId && admins.includes(member.id)) {
        const target = await this.roles.findById(viewer.orgId, dto.roleId);
        if (target?.builtin !== 'administrator' && admins.length <= 1) {
          throw new ConflictException('The last active administrator cannot be demoted');
        }
      }
      const before = toMemberView(member);
      const changes: Partial<MemberEntity> = {};
      if (dto.email !== undefined) changes.email = dto.email;
      if (dto.displayName !== undefined) changes.displayName = dto.displayName;
      if (dto.unitId !== undefined) changes.unitId = dto.unitId;
      if (dto.roleId !== undefined) changes.roleId = dto.roleId;
      if (dto.channelAccountIds !== undefined) changes.channelAccountIds = dto.channelAccountIds;
      if (passwordHash !== undefined) {
        changes.passwordHash = passwordHash;
        // A password reset by an admin signs the member out everywhere.
        changes.tokenVersion = member.tokenVersion + 1;
      }
      if (Object.keys(changes).length > 0) await this.members.update(viewer.orgId, id, changes).catch(rethrowDuplicateEmail);
      const updated = (await this.members.findById(viewer.orgId, id))!;
      const after = toMemberView(updated);
      await this.audit.record(viewer.orgId, {
        actorId: viewer.memberId,
        action: 'member.updated',
        targetType: 'member',
        targetId: id,
        before,
        after: passwordHash !== undefined ? { ...after, passwordChanged: true } : after,
      });
      // Open sockets follow: a revoked token disconnects, anything else re-scopes (active members only).
      const event = { orgId: viewer.orgId, actorId: viewer.memberId, conversationId: null, customerId: null };
      if (passwordHash !== undefined) this.uow.record({ ...event, type: 'member.deactivated', data: { memberId: id, handoverMemberId: null } });
      else if (updated.status === 'active') this.uow.record({ ...event, type: 'members.permissions_changed', data: { memberIds: [id] } });
      this.uow.record({ ...event, type: 'directory.changed', data: {} });
      return after;
    });
  }

  private async assertReferences(orgId: string, dto: { unitId?: string; roleId?: string; channelAccountIds?: string[] }) {
    if (dto.unitId && !(await this.units.findById(orgId, dto.unitId))) {
      throw new UnprocessableEntityException('unitId does not name a unit of this organisation');
    }
    if (dto.roleId && !(await this.roles.findById(orgId, dto.roleId))) {
      throw new UnprocessableEntityException('roleId does not name a role of this organisation');
    }
    if (dto.channelAccountIds?.length) {
      const found = await this.members.existingChannelAccountIds(orgId, dto.channelAccountIds);
      const unknown = dto.channelAccountIds.filter((c) => !found.has(c));
      if (unknown.length) throw new UnprocessableEntityException(`channelAccountIds not in this organisation: ${unknown.join(', ')}`);
    }
  }
}

function rethrowDuplicateEmail(err: { code?: string }): never {
  if (err.code === '23505') throw new ConflictException('A member with this email already exists');
  throw err;
}
