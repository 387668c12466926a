import { ConflictException, Inject, Injectable, NotFoundException, UnauthorizedException, UnprocessableEntityException } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import * as argon2 from 'argon2';
import { appConfig } from '../../infra/config/app.config';
import { TokenService } from '../access/token.service';
import type { Viewer } from '../access/viewer';
import { AuditService } from '../audit/audit.service';
import { UnitOfWork } from '../events/unit-of-work';
import { MemberView } from '../members/member.dto';
import { MemberRepository } from '../members/member.repository';
import { hashPassword, MembersService, toMemberView } from '../members/members.service';
import { RoleRepository } from '../roles/role.repository';
import { UnitRepository } from '../units/unit.repository';
import { InvitationRepository, InvitationRow } from './invitation.repository';
import { invitationToken, verifyInvitationToken } from './invitation-token';
import { AcceptInvitationDto, ChangePasswordDto, CreateInvitationDto, InvitationResendResponse, InvitationView } from './self-service.dto';

export const INVITATION_VALID_DAYS = 7;

export function toInvitationView(i: InvitationRow): InvitationView {
  return {
    id: i.id,
    email: i.email,
    unitId: i.unit_id,
    roleId: i.role_id,
    invitedById: i.invited_by_id,
    expiresAt: new Date(i.expires_at).toISOString(),
    acceptedAt: i.accepted_at ? new Date(i.accepted_at).toISOString() : null,
    createdAt: new Date(i.created_at).toISOString(),
  };
}

/** A member's own password, and joining by invitation instead of an admin-chosen password. */
@Injectable()
export class SelfServiceService {
  constructor(
    private readonly members: MemberRepository,
    private readonly membersService: MembersService,
    private readonly invitations: InvitationRepository,
    private readonly units: UnitRepository,
    private readonly roles: RoleRepository,
    private readonly tokens: TokenService,
    private readonly audit: AuditService,
    private readonly uow: UnitOfWork,
    @Inject(appConfig.KEY) private readonly cfg: ConfigType<typeof appConfig>,
  ) {}

  /** Verifies the current password, stores the new one and revokes every other token of the member. */
  async changePassword(viewer: Viewer, currentToken: string, dto: ChangePasswordDto): Promise<{ accessToken: string }> {
    const hash = await this.members.passwordHash(viewer.orgId, viewer.memberId);
    const ok = hash ? await argon2.verify(hash, dto.currentPassword).catch(() => false) : false;
    if (!ok) throw new UnauthorizedException('The current password is wrong');
    if (dto.currentPassword === dto.newPassword) throw new UnprocessableEntityException('The new password must differ from the current one');
    const newHash = await hashPassword(dto.newPassword);
    await this.uow.run(async () => {
      await this.members.changeOwnPassword(viewer.orgId, viewer.memberId, newHash, this.tokens.jtiOf(currentToken));
      await this.audit.record(viewer.orgId, { actorId: viewer.memberId, action: 'member.password_changed', targetType: 'member', targetId: viewer.memberId });
    });
    return { accessToken: await this.tokens.issue({ id: viewer.memberId, orgId: viewer.orgId, tokenVersion: viewer.tokenVersion + 1 }) };
  }

  async invite(viewer: Viewer, dto: CreateInvitationDto): Promise<InvitationView> {
    return this.uow.run(async () => {
      if (!(await this.units.findById(viewer.orgId, dto.unitId))) throw new UnprocessableEntityException('unitId does not name a unit of this organisation');
      if (!(await this.roles.findById(viewer.orgId, dto.roleId))) throw new UnprocessableEntityException('roleId does not name a role of this organisation');
      if (await this.invitations.emailInUse(dto.email)) throw new ConflictException('A member with this email already exists');
      const row = await this.invitations.insert(viewer.orgId, { email: dto.email, unitId: dto.unitId, roleId: dto.roleId, invitedById: viewer.memberId, validDays: INVITATION_VALID_DAYS });
      const view = toInvitationView(row);
      this.uow.record({ type: 'invitation.created', orgId: viewer.orgId, actorId: viewer.memberId, conversationId: null, customerId: null, data: { invitationId: row.id } });
      await this.audit.record(viewer.orgId, { actorId: viewer.memberId, action: 'invitation.created', targetType: 'invitation', targetId: row.id, after: view });
      return view;
    });
  }

  /**
   * Sends a pending invitation again, valid INVITATION_VALID_DAYS from now (the link stays the
   * same). With a mailer the invitee gets the email again; without one (SMTP_URL unset) nobody
   * would, so the link itself comes back to the `org.manage` holder to share. It is never
   * written to the audit log: whoever holds it can join.
   */
  async resend(viewer: Viewer, id: string): Promise<InvitationResendResponse> {
    const emailed = !!this.cfg.smtp.url;
    const view = await this.uow.run(async () => {
      const inv = await this.invitations.lock(viewer.orgId, id);
      if (!inv) throw new NotFoundException('Invitation not found');
      if (inv.accepted_at) throw new ConflictException('This invitation was already accepted');
      if (await this.invitations.emailInUse(inv.email)) throw new ConflictException('A member with this email already exists');
      const view = toInvitationView(await this.invitations.renew(viewer.orgId, id, INVITATION_VALID_DAYS));
      if (emailed) this.uow.record({ type: 'invitation.resent', orgId: viewer.orgId, actorId: viewer.memberId, conversationId: null, customerId: null, data: { invitationId: id } });
      await this.audit.record(viewer.orgId, {
        actorId: viewer.memberId,
        action: 'invitation.resent',
        targetType: 'invitation',
        targetId: id,
        before: { expiresAt: toInvitationView(inv).expiresAt },
        after: { expiresAt: view.expiresAt, delivery: emailed ? 'email' : 'link' },
      });
      return view;
    });
    return { invitation: view, delivery: emailed ? 'email' : 'link', acceptUrl: emailed ? null : this.invitationLink(id) };
  }

  /** The link the invitation email carries (the console's accept page). */
  invitationLink(id: string): string {
    return `${this.cfg.publicUrl}/invitations/${invitationToken(this.cfg.jwt.secret, id)}`;
  }

  async accept(token: string, dto: AcceptInvitationDto): Promise<{ accessToken: string; member: MemberView }> {
    const id = verifyInvitationToken(this.cfg.jwt.secret, token);
    if (!id) throw new NotFoundException('Invitation not found');
    const passwordHash = await hashPassword(dto.password);
    const member = await this.uow.run(async () => {
      const inv = await this.invitations.lockForAcceptance(id);
      if (!inv) throw new NotFoundException('Invitation not found');
      if (inv.accepted_at) throw new ConflictException('This invitation was already accepted');
      if (inv.expired) throw new NotFoundException('This invitation has expired; ask for a new one');
      if (await this.invitations.emailInUse(inv.email)) throw new ConflictException('A member with this email already exists');
      const created = await this.membersService.createInTx(inv.org_id, inv.invited_by_id, { email: inv.email, displayName: dto.displayName, unitId: inv.unit_id, roleId: inv.role_id }, passwordHash);
      await this.invitations.markAccepted(inv.org_id, inv.id, created.id);
      await this.audit.record(inv.org_id, { actorId: created.id, action: 'invitation.accepted', targetType: 'invitation', targetId: inv.id, after: { memberId: created.id } });
      return created;
    });
    return { accessToken: await this.tokens.issue(member), member: toMemberView(member) };
  }
}
