import { ConflictException, Injectable, NotFoundException, UnprocessableEntityException } from '@nestjs/common';
import { withinChannelScope } from '../access/folder-rules';
import { Permission } from '../access/permissions';
import type { Viewer } from '../access/viewer';
import { ViewerRepository } from '../access/viewer.repository';
import { AuditService } from '../audit/audit.service';
import { BindingLinkRepository } from '../binding/binding-link.repository';
import { ConversationRepository } from '../conversations/conversation.repository';
import { ConversationAssignments } from '../conversations/conversation-assignments.service';
import { CustomerRepository } from '../customers/customer.repository';
import { UnitOfWork } from '../events/unit-of-work';
import { MemberView } from './member.dto';
import { MemberRepository } from './member.repository';
import { MemberDepartureRepository } from './member-departure.repository';
import { toMemberView } from './members.service';

export interface DepartureResult {
  member: MemberView;
  moved: { conversations: number; bindings: number };
  movedConversationIds: string[];
}

/**
 * Staff departure (SPEC §5): in ONE unit of work every binding to the leaver and every open
 * conversation assigned to them move to the handover member (history kept, reason
 * `member_deactivated`), the leaver's links and tokens stop working. A constant number of
 * statements whatever the number of bindings and conversations; the moved conversations'
 * fan-out and the leaver's disconnect follow from the recorded events.
 */
@Injectable()
export class MemberDepartureService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly members: MemberRepository,
    private readonly viewers: ViewerRepository,
    private readonly departures: MemberDepartureRepository,
    private readonly conversations: ConversationRepository,
    private readonly customers: CustomerRepository,
    private readonly holdings: ConversationAssignments,
    private readonly links: BindingLinkRepository,
    private readonly audit: AuditService,
  ) {}

  deactivate(actor: Viewer, leaverId: string, handoverMemberId: string): Promise<DepartureResult> {
    return this.uow.run(async () => {
      const admins = await this.members.lockActiveAdministrators(actor.orgId);
      const leaver = await this.members.lockById(actor.orgId, leaverId);
      if (!leaver) throw new NotFoundException('Member not found');
      if (leaver.status !== 'active') throw new ConflictException('The member is already deactivated');
      if (handoverMemberId === leaverId) throw new UnprocessableEntityException('The handover member must be someone else');
      const handover = await this.viewers.findActive(actor.orgId, handoverMemberId);
      if (!handover || !handover.permissions.has(Permission.InboxAccess)) {
        throw new UnprocessableEntityException('The handover member must be an active member of this organisation with inbox access');
      }
      if (admins.includes(leaverId) && admins.length <= 1) throw new ConflictException('The last active administrator cannot be deactivated');
      const outOfScope = (await this.departures.channelAccountsInUse(actor.orgId, leaverId)).filter((c) => !withinChannelScope(handover, c));
      if (outOfScope.length) {
        throw new UnprocessableEntityException(`The handover member's channel scope does not cover channel accounts ${outOfScope.join(', ')} of the leaver's customers`);
      }

      // Every affected conversation is locked (in id order) and its state before is kept for the fan-out.
      const locked = await this.conversations.lockManyForChange(actor.orgId, await this.departures.affectedConversationIds(actor.orgId, leaverId));
      const conversationOf = new Map(locked.map((c) => [c.customerId, c.id]));
      const to = { memberId: handover.memberId, unitId: handover.unitId };
      const boundCustomerIds = await this.customers.moveBindingsOfMember(actor.orgId, leaverId, to);
      await this.conversations.setBoundUnitForCustomers(actor.orgId, boundCustomerIds, to.unitId);
      for (const customerId of boundCustomerIds) this.uow.customerChanged(actor.orgId, customerId, conversationOf.get(customerId) ?? null, ['binding', 'tags'], actor.memberId);

      const held = await this.conversations.openHeldBy(actor.orgId, leaverId);
      const { ended } = await this.holdings.end(actor.orgId, held, 'member_deactivated', actor.memberId);
      const movedIds = ended.map((e) => e.conversationId);
      await this.holdings.start(actor.orgId, movedIds, to, { actorId: actor.memberId, via: 'handover', note: `Handover: ${leaver.displayName} left` }, new Map(ended.map((e) => [e.conversationId, e.id])));

      const revokedLinks = await this.links.revokeForMember(actor.orgId, leaverId);
      await this.departures.deactivate(actor.orgId, leaverId);
      this.uow.record({ type: 'member.deactivated', orgId: actor.orgId, actorId: actor.memberId, conversationId: null, customerId: null, data: { memberId: leaverId, handoverMemberId } });
      this.uow.record({ type: 'directory.changed', orgId: actor.orgId, actorId: actor.memberId, conversationId: null, customerId: null, data: {} });
      const after = (await this.members.findById(actor.orgId, leaverId))!;
      const moved = { conversations: movedIds.length, bindings: boundCustomerIds.length };
      await this.audit.record(actor.orgId, {
        actorId: actor.memberId,
        action: 'member.deactivated',
        targetType: 'member',
        targetId: leaverId,
        before: toMemberView(leaver),
        after: { ...toMemberView(after), handoverMemberId, moved, revokedBindingLinks: revokedLinks },
      });
      return { member: toMemberView(after), moved, movedConversationIds: movedIds };
    });
  }
}
