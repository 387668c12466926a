import { Injectable, NotFoundException, UnprocessableEntityException } from '@nestjs/common';
import type { Viewer } from '../access/viewer';
import { AuditService } from '../audit/audit.service';
import { ConversationRepository } from '../conversations/conversation.repository';
import { CustomerEntity } from '../customers/customer.entity';
import { CustomerView, presentCustomer } from '../customers/customer.presenter';
import { CustomerRepository } from '../customers/customer.repository';
import { UnitOfWork } from '../events/unit-of-work';
import { BindingRepository } from './binding.repository';

export interface BindingChange {
  customerId: string;
  conversationId: string | null;
  before: { unitId: string | null; memberId: string | null };
  after: { unitId: string | null; memberId: string | null };
  /** False when the customer was already bound exactly so (nothing written, nothing sent). */
  changed: boolean;
}

export type BindingVia = 'link' | 'admin' | 'handover';

/**
 * Binds a customer to a unit (and optionally a member of it): the binding, the tag named
 * after the unit and the conversation's mirror column change in one unit of work, which
 * records `customer.bound` / `customer.unbound` (notifications and sockets follow from it).
 */
@Injectable()
export class BindingService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly bindings: BindingRepository,
    private readonly customers: CustomerRepository,
    private readonly conversations: ConversationRepository,
    private readonly audit: AuditService,
  ) {}

  /**
   * The one binding rule, inside the caller's unit of work (admin API, binding tokens). Locks
   * the customer's conversation, then the customer (always in that order: the inbound path
   * holds the conversation when a token arrives).
   */
  async apply(orgId: string, customerId: string, unitId: string | null, memberId: string | null, how: { via: BindingVia; actorId: string | null }): Promise<BindingChange & { customer: CustomerEntity }> {
    const conversationId = await this.conversations.idOfCustomer(orgId, customerId);
    if (conversationId) await this.conversations.lockForChange(orgId, conversationId);
    const customer = await this.customers.lockById(orgId, customerId);
    if (!customer) throw new NotFoundException('Customer not found');
    const before = { unitId: customer.boundUnitId, memberId: customer.boundMemberId };
    const after = { unitId, memberId: unitId ? memberId : null };
    if (before.unitId === after.unitId && before.memberId === after.memberId) return { customerId, conversationId, before, after, changed: false, customer };

    const names = await this.bindings.unitNames(orgId, [before.unitId, unitId].filter((x): x is string => !!x));
    const oldTag = before.unitId ? names.get(before.unitId) : undefined;
    const newTag = unitId ? names.get(unitId) : undefined;
    const tags = customer.tags.filter((t) => t !== oldTag || t === newTag);
    if (newTag && !tags.includes(newTag)) tags.push(newTag);
    await this.customers.setBinding(orgId, customerId, { ...after, tags });
    if (conversationId) await this.conversations.setBoundUnit(orgId, conversationId, unitId);
    Object.assign(customer, { boundUnitId: after.unitId, boundMemberId: after.memberId, tags });

    this.uow.customerChanged(orgId, customerId, conversationId, ['binding', 'tags'], how.actorId);
    if (unitId) {
      this.uow.record({
        type: 'customer.bound',
        orgId,
        actorId: how.actorId,
        conversationId,
        customerId,
        data: { before, after: { unitId, memberId: after.memberId }, via: how.via, unitName: newTag ?? '', customerDisplayName: customer.displayName },
      });
    } else {
      this.uow.record({ type: 'customer.unbound', orgId, actorId: how.actorId, conversationId, customerId, data: { before } });
    }
    return { customerId, conversationId, before, after, changed: true, customer };
  }

  /** PUT /customers/:id/binding (binding.manage): bind or transfer. */
  bind(viewer: Viewer, customerId: string, unitId: string, memberId: string | undefined): Promise<CustomerView> {
    return this.uow.run(async () => {
      const names = await this.bindings.unitNames(viewer.orgId, [unitId]);
      if (!names.has(unitId)) throw new UnprocessableEntityException('unitId does not name a unit of this organisation');
      if (memberId && (await this.bindings.activeMemberUnit(viewer.orgId, memberId)) !== unitId) {
        throw new UnprocessableEntityException('memberId must be an active member of that unit');
      }
      const change = await this.apply(viewer.orgId, customerId, unitId, memberId ?? null, { via: 'admin', actorId: viewer.memberId });
      if (change.changed) {
        await this.audit.record(viewer.orgId, { actorId: viewer.memberId, action: 'customer.bound', targetType: 'customer', targetId: customerId, before: change.before, after: change.after });
      }
      return presentCustomer(change.customer, viewer);
    });
  }

  /** DELETE /customers/:id/binding (binding.manage). */
  unbind(viewer: Viewer, customerId: string): Promise<CustomerView> {
    return this.uow.run(async () => {
      const change = await this.apply(viewer.orgId, customerId, null, null, { via: 'admin', actorId: viewer.memberId });
      if (change.changed) {
        await this.audit.record(viewer.orgId, { actorId: viewer.memberId, action: 'customer.unbound', targetType: 'customer', targetId: customerId, before: change.before, after: change.after });
      }
      return presentCustomer(change.customer, viewer);
    });
  }
}
