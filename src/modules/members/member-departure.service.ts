import { ConflictException, Injectable, NotFoundException, UnprocessableEntityException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { withinChannelScope } from '../access/folder-rules';
import { Permission } from '../access/permissions';
import type { Viewer } from '../access/viewer';
import { ViewerRepository } from '../access/viewer.repository';
import { AuditService } from '../audit/audit.service';
import type { ConversationFacts } from '../access/folder-rules';
import { RealtimeService } from '../realtime/realtime.service';
import { BindingLinkRepository } from '../binding/binding-link.repository';
import { MemberView } from './member.dto';
import { MemberDepartureRepository } from './member-departure.repository';
import { MemberRepository } from './member.repository';
import { toMemberView } from './members.service';

export interface DepartureResult {
  member: MemberView;
  moved: { conversations: number; bindings: number };
  movedConversationIds: string[];
}

/**
 * Staff departure (SPEC §5): in ONE transaction every binding to the leaver and every open
 * conversation assigned to them move to the handover member (history kept, reason
 * `member_deactivated`), the leaver's links and tokens stop working.
 */
@Injectable()
export class MemberDepartureService {
  constructor(
    private readonly ds: DataSource,
    private readonly members: MemberRepository,
    private readonly viewers: ViewerRepository,
    private readonly departures: MemberDepartureRepository,
    private readonly links: BindingLinkRepository,
    private readonly audit: AuditService,
    private readonly realtime: RealtimeService,
  ) {}

  async deactivate(actor: Viewer, leaverId: string, handoverMemberId: string): Promise<DepartureResult> {
    let before = new Map<string, ConversationFacts>();
    const result = await this.inTx(actor, leaverId, handoverMemberId, (snapshot) => (before = snapshot));
    this.realtime.memberDeactivated(leaverId);
    // The moved conversations' audiences change; fan them out without holding the answer back.
    this.realtime.inBackground(
      [...before.keys()].map((conversationId) => ({ orgId: actor.orgId, conversationId, before: before.get(conversationId) ?? null, customerChanged: true })),
    );
    return result;
  }

  private inTx(actor: Viewer, leaverId: string, handoverMemberId: string, snapshot: (facts: Map<string, ConversationFacts>) => void): Promise<DepartureResult> {
    return this.ds.transaction(async (em) => {
      const admins = await this.members.lockActiveAdministrators(actor.orgId, em);
      const leaver = await this.members.lockById(actor.orgId, leaverId, em);
      if (!leaver) throw new NotFoundException('Member not found');
      if (leaver.status !== 'active') throw new ConflictException('The member is already deactivated');
      if (handoverMemberId === leaverId) throw new UnprocessableEntityException('The handover member must be someone else');
      const handover = await this.viewers.findActive(actor.orgId, handoverMemberId);
      if (!handover || !handover.permissions.has(Permission.InboxAccess)) {
        throw new UnprocessableEntityException('The handover member must be an active member of this organisation with inbox access');
      }
      if (admins.includes(leaverId) && admins.length <= 1) throw new ConflictException('The last active administrator cannot be deactivated');
      const outOfScope = (await this.departures.channelAccountsInUse(actor.orgId, leaverId, em)).filter((c) => !withinChannelScope(handover, c));
      if (outOfScope.length) {
        throw new UnprocessableEntityException(`The handover member's channel scope does not cover channel accounts ${outOfScope.join(', ')} of the leaver's customers`);
      }

      snapshot(await this.realtime.snapshot(actor.orgId, await this.departures.affectedConversationIds(actor.orgId, leaverId, em), em));
      const to = { memberId: handover.memberId, unitId: handover.unitId };
      const bindings = await this.departures.moveBindings(actor.orgId, leaverId, to, em);
      const conversationIds = await this.departures.moveConversations(actor.orgId, leaverId, to, actor.memberId, `Handover: ${leaver.displayName} left`, em);
      const revokedLinks = await this.links.revokeForMember(actor.orgId, leaverId, em);
      await this.departures.deactivate(actor.orgId, leaverId, em);
      const after = (await this.members.findById(actor.orgId, leaverId, em))!;
      const moved = { conversations: conversationIds.length, bindings };
      await this.audit.record(em, actor.orgId, {
        actorId: actor.memberId,
        action: 'member.deactivated',
        targetType: 'member',
        targetId: leaverId,
        before: toMemberView(leaver),
        after: { ...toMemberView(after), handoverMemberId, moved, revokedBindingLinks: revokedLinks },
      });
      return { member: toMemberView(after), moved, movedConversationIds: conversationIds };
    });
  }
}
