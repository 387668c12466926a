import { Injectable, NotFoundException, UnauthorizedException } from '@nestjs/common';
import * as argon2 from 'argon2';
import { AccessPolicy } from '../access/access.policy';
import { Folder, PERMISSION_CATALOG, PermissionInfo } from '../access/permissions';
import { TokenService } from '../access/token.service';
import type { Viewer } from '../access/viewer';
import { AuditService } from '../audit/audit.service';
import { UnitOfWork } from '../events/unit-of-work';
import { MemberView } from '../members/member.dto';
import { MemberRepository } from '../members/member.repository';
import { toMemberView } from '../members/members.service';
import { RoleView } from '../roles/role.dto';
import { RoleRepository } from '../roles/role.repository';
import { toRoleView } from '../roles/roles.service';
import { UnitView } from '../units/unit.dto';
import { UnitRepository } from '../units/unit.repository';
import { toUnitView } from '../units/units.service';
import { LoginDto } from './auth.dto';

// Verifying against a fixed hash when the email is unknown keeps both paths equally slow.
const DUMMY_HASH = '$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHRzb21lc2FsdA$0dS8bGqQy9n8Gq7hV0f3fGJ2yC3mC5QjYVv0k3p2mJw';

export interface MeView {
  member: MemberView;
  unit: UnitView;
  role: RoleView;
  permissions: string[];
  folders: Folder[];
}

@Injectable()
export class AuthService {
  constructor(
    private readonly members: MemberRepository,
    private readonly units: UnitRepository,
    private readonly roles: RoleRepository,
    private readonly tokens: TokenService,
    private readonly policy: AccessPolicy,
    private readonly audit: AuditService,
    private readonly uow: UnitOfWork,
  ) {}

  async login(dto: LoginDto): Promise<{ accessToken: string; member: MemberView }> {
    const member = await this.members.findForLogin(dto.email);
    const ok = await argon2.verify(member?.passwordHash ?? DUMMY_HASH, dto.password).catch(() => false);
    // Attempts on a known account are audited in its org (an unknown email has no org to log in).
    if (member) {
      const succeeded = ok && member.status === 'active';
      await this.uow.run(() =>
        this.audit.record(member.orgId, { actorId: member.id, action: succeeded ? 'auth.login_succeeded' : 'auth.login_failed', targetType: 'member', targetId: member.id }),
      );
    }
    if (!member || !ok || member.status !== 'active') throw new UnauthorizedException('Invalid email or password');
    return { accessToken: await this.tokens.issue(member), member: toMemberView(member) };
  }

  async me(viewer: Viewer): Promise<MeView> {
    const [member, unit, role] = await Promise.all([
      this.members.findById(viewer.orgId, viewer.memberId),
      this.units.findById(viewer.orgId, viewer.unitId),
      this.roles.findById(viewer.orgId, viewer.roleId),
    ]);
    if (!member || !unit || !role) throw new NotFoundException('Member not found');
    return {
      member: toMemberView(member),
      unit: toUnitView(unit),
      role: toRoleView(role),
      permissions: [...viewer.permissions].sort(),
      folders: this.policy.folders(viewer),
    };
  }

  catalog(): { items: PermissionInfo[]; permissions: string[] } {
    return { items: [...PERMISSION_CATALOG], permissions: PERMISSION_CATALOG.map((p) => p.key) };
  }
}
