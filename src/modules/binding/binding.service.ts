import { Injectable, NotFoundException, UnprocessableEntityException } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { Viewer } from '../access/viewer';
import { AuditService } from '../audit/audit.service';
import { CustomerRepository } from '../customers/customer.repository';
import { CustomerView, presentCustomer } from '../customers/customer.presenter';
import { BindingRepository, BindingState } from './binding.repository';
import type { ConversationFacts } from '../access/folder-rules';
import { RealtimeService } from '../realtime/realtime.service';
import { NotificationsService } from '../notifications/notifications.service';
import { randomUUID } from 'crypto';

export interface BindingChange {
  customerId: string;
  before: { unitId: string | null; memberId: string | null };
  after: { unitId: string | null; memberId: string | null };
}

/**
 * Binds a customer to a unit (and optionally a member of it): the binding, the tag named
 * after the unit and the conversation's mirror column change in one transaction.
 */
@Injectable()
export class BindingService {
  constructor(
    private readonly ds: DataSource,
    private readonly bindings: BindingRepository,
    private readonly customers: CustomerRepository,
    private readonly audit: AuditService,
    private readonly realtime: RealtimeService,
    private readonly notifications: NotificationsService,
  ) {}

  /** Inside a caller's transaction (admin API, binding tokens, staff departure). */
  async applyInTx(orgId: string, state: BindingState, unitId: string | null, memberId: string | null, em: EntityManager): Promise<BindingChange> {
    const names = await this.bindings.unitNames(orgId, [state.boundUnitId, unitId].filter((x): x is string => !!x), em);
    const oldTag = state.boundUnitId ? names.get(state.boundUnitId) : undefined;
    const newTag = unitId ? names.get(unitId) : undefined;
    const tags = state.tags.filter((t) => t !== oldTag || t === newTag);
    if (newTag && !tags.includes(newTag)) tags.push(newTag);
    await this.bindings.write(orgId, state.customerId, unitId, memberId, tags, em);
    return {
      customerId: state.customerId,
      before: { unitId: state.boundUnitId, memberId: state.boundMemberId },
      after: { unitId, memberId },
    };
  }

  /** PUT /customers/:id/binding (binding.manage): bind or transfer. */
  async bind(viewer: Viewer, customerId: string, unitId: string, memberId: string | undefined): Promise<CustomerView> {
    let notice: Parameters<NotificationsService['customerBound']>[1] | null = null;
    const view = await this.publishing(viewer.orgId, customerId, async (em) => {
      const state = await this.lock(viewer, customerId, em);
      const names = await this.bindings.unitNames(viewer.orgId, [unitId], em);
      if (!names.has(unitId)) throw new UnprocessableEntityException('unitId does not name a unit of this organisation');
      if (memberId && (await this.bindings.activeMemberUnit(viewer.orgId, memberId, em)) !== unitId) {
        throw new UnprocessableEntityException('memberId must be an active member of that unit');
      }
      const change = await this.applyInTx(viewer.orgId, state, unitId, memberId ?? null, em);
      await this.audit.record(em, viewer.orgId, { actorId: viewer.memberId, action: 'customer.bound', targetType: 'customer', targetId: customerId, before: change.before, after: change.after });
      notice = {
        customerId,
        conversationId: await this.bindings.conversationOf(viewer.orgId, customerId, em),
        customerDisplayName: state.displayName,
        unitId,
        unitName: names.get(unitId)!,
        memberId: memberId ?? null,
      };
      return presentCustomer((await this.customers.findById(viewer.orgId, customerId, em))!, viewer);
    });
    if (notice) await this.notifications.customerBound(viewer.orgId, notice, randomUUID());
    return view;
  }

  /** DELETE /customers/:id/binding (binding.manage). */
  unbind(viewer: Viewer, customerId: string): Promise<CustomerView> {
    return this.publishing(viewer.orgId, customerId, async (em) => {
      const state = await this.lock(viewer, customerId, em);
      const change = await this.applyInTx(viewer.orgId, state, null, null, em);
      await this.audit.record(em, viewer.orgId, { actorId: viewer.memberId, action: 'customer.unbound', targetType: 'customer', targetId: customerId, before: change.before, after: change.after });
      return presentCustomer((await this.customers.findById(viewer.orgId, customerId, em))!, viewer);
    });
  }

  /** Runs a binding change and, after commit, fans out the conversation's new audience and customer. */
  private async publishing<T>(orgId: string, customerId: string, work: (em: EntityManager) => Promise<T>): Promise<T> {
    let conversationId: string | null = null;
    let before: ConversationFacts | null = null;
    const result = await this.ds.transaction(async (em) => {
      conversationId = await this.bindings.conversationOf(orgId, customerId, em);
      if (conversationId) before = (await this.realtime.snapshot(orgId, [conversationId], em)).get(conversationId) ?? null;
      return work(em);
    });
    if (conversationId) await this.realtime.conversationChanged({ orgId, conversationId, before, customerChanged: true });
    return result;
  }

  private async lock(viewer: Viewer, customerId: string, em: EntityManager): Promise<BindingState> {
    const state = await this.bindings.lockCustomer(viewer.orgId, customerId, em);
    if (!state) throw new NotFoundException('Customer not found');
    return state;
  }
}
