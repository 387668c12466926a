import { ForbiddenException, Inject, Injectable, NotFoundException, UnprocessableEntityException } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { appConfig } from '../../infra/config/app.config';
import { TokenService } from '../access/token.service';
import type { Viewer } from '../access/viewer';
import { AuditService } from '../audit/audit.service';
import { UnitOfWork } from '../events/unit-of-work';
import { MemberView } from '../members/member.dto';
import { hashPassword, MembersService, toMemberView } from '../members/members.service';
import { RolesService } from '../roles/roles.service';
import { UnitRepository } from '../units/unit.repository';
import { UnitsService } from '../units/units.service';
import { OrgView, SignupDto, UpdateOrgDto } from './org.dto';
import { OrgEntity } from './org.entity';
import { OrgRepository } from './org.repository';

const toOrgView = (org: OrgEntity, rootUnitId: string): OrgView => ({
  id: org.id,
  name: org.name,
  rootUnitId,
  settings: { transferTimeoutSeconds: org.transferTimeoutSeconds, timezone: org.timezone, maxUnitDepth: org.maxUnitDepth, presenceGraceSeconds: org.presenceGraceSeconds, requeueOfflineAfterSeconds: org.requeueOfflineAfterSeconds, grantQuotaPerDay: org.grantQuotaPerDay, retentionDays: org.retentionDays },
});

@Injectable()
export class OrgsService {
  constructor(
    @Inject(appConfig.KEY) private readonly cfg: ConfigType<typeof appConfig>,
    private readonly uow: UnitOfWork,
    private readonly orgs: OrgRepository,
    private readonly units: UnitRepository,
    private readonly unitsService: UnitsService,
    private readonly roles: RolesService,
    private readonly members: MembersService,
    private readonly tokens: TokenService,
    private readonly audit: AuditService,
  ) {}

  /**
   * Signup: the org, its root unit, the built-in roles and the first administrator, in one
   * unit of work (the member's creation records the org's `directory.changed`).
   */
  async signup(dto: SignupDto): Promise<{ org: { id: string; name: string; rootUnitId: string }; member: MemberView; accessToken: string }> {
    if (!this.cfg.signupEnabled) throw new ForbiddenException('Signup is disabled on this server');
    const passwordHash = await hashPassword(dto.adminPassword);
    const { org, root, admin } = await this.uow.run(async () => {
      const org = await this.orgs.create({ name: dto.name });
      const root = await this.unitsService.createRoot(org.id, dto.rootUnitName ?? dto.name);
      const roles = await this.roles.createBuiltins(org.id);
      const admin = await this.members.createInTx(org.id, null, { email: dto.adminEmail, displayName: dto.adminName, unitId: root.id, roleId: roles.administrator.id }, passwordHash);
      await this.audit.record(org.id, { actorId: admin.id, action: 'org.created', targetType: 'org', targetId: org.id, after: toOrgView(org, root.id) });
      return { org, root, admin };
    });
    return {
      org: { id: org.id, name: org.name, rootUnitId: root.id },
      member: toMemberView(admin),
      accessToken: await this.tokens.issue(admin),
    };
  }

  async get(viewer: Viewer): Promise<OrgView> {
    const [org, root] = await Promise.all([this.orgs.find(viewer.orgId), this.units.findRoot(viewer.orgId)]);
    if (!org || !root) throw new NotFoundException('Organisation not found');
    return toOrgView(org, root.id);
  }

  update(viewer: Viewer, dto: UpdateOrgDto): Promise<OrgView> {
    return this.uow.run(async () => {
      const org = await this.orgs.lock(viewer.orgId);
      const root = await this.units.findRoot(viewer.orgId);
      if (!org || !root) throw new NotFoundException('Organisation not found');
      const before = toOrgView(org, root.id);
      const s = dto.settings ?? {};
      if (s.maxUnitDepth !== undefined) {
        const deepest = await this.units.maxDepth(viewer.orgId);
        if (s.maxUnitDepth < deepest) {
          throw new UnprocessableEntityException(`maxUnitDepth cannot be below the current tree depth (${deepest})`);
        }
      }
      const changes: Partial<OrgEntity> = {};
      if (dto.name !== undefined) changes.name = dto.name;
      if (s.transferTimeoutSeconds !== undefined) changes.transferTimeoutSeconds = s.transferTimeoutSeconds;
      if (s.timezone !== undefined) changes.timezone = s.timezone;
      if (s.maxUnitDepth !== undefined) changes.maxUnitDepth = s.maxUnitDepth;
      if (s.presenceGraceSeconds !== undefined) changes.presenceGraceSeconds = s.presenceGraceSeconds;
      if (s.requeueOfflineAfterSeconds !== undefined) changes.requeueOfflineAfterSeconds = s.requeueOfflineAfterSeconds;
      if (s.grantQuotaPerDay !== undefined) changes.grantQuotaPerDay = s.grantQuotaPerDay;
      if (s.retentionDays !== undefined) changes.retentionDays = s.retentionDays;
      if (Object.keys(changes).length) await this.orgs.update(viewer.orgId, changes);
      const after = toOrgView((await this.orgs.find(viewer.orgId))!, root.id);
      await this.audit.record(viewer.orgId, { actorId: viewer.memberId, action: 'org.updated', targetType: 'org', targetId: org.id, before, after });
      return after;
    });
  }
}
