import { ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { RealtimeService } from '../realtime/realtime.service';
import { AccessPolicy } from '../access/access.policy';
import { Permission } from '../access/permissions';
import type { Viewer } from '../access/viewer';
import { AuditService } from '../audit/audit.service';
import { CustomerEntity } from './customer.entity';
import { CustomerRepository } from './customer.repository';
import { CustomerView, presentCustomer } from './customer.presenter';
import { UpdateCustomerDto } from './customer.dto';

/** A customer is readable iff their conversation is (SPEC §3); field permissions then apply. */
@Injectable()
export class CustomersService {
  constructor(
    private readonly ds: DataSource,
    private readonly customers: CustomerRepository,
    private readonly policy: AccessPolicy,
    private readonly audit: AuditService,
    private readonly realtime: RealtimeService,
  ) {}

  async get(viewer: Viewer, id: string, reveal: boolean): Promise<CustomerView> {
    const { customer } = await this.readable(viewer, id);
    if (reveal) {
      if (!this.policy.has(viewer, Permission.CustomerSensitiveView) || !this.policy.has(viewer, Permission.CustomerProfileView)) {
        throw new ForbiddenException('Revealing sensitive fields needs customer.profile.view and customer.sensitive.view');
      }
      await this.ds.transaction((em) =>
        this.audit.record(em, viewer.orgId, {
          actorId: viewer.memberId,
          action: 'customer.sensitive_revealed',
          targetType: 'customer',
          targetId: id,
          after: { fields: ['phone', 'idNumber', 'bankCard'] },
        }),
      );
    }
    return presentCustomer(customer, viewer, { reveal });
  }

  async update(viewer: Viewer, id: string, dto: UpdateCustomerDto): Promise<CustomerView> {
    return this.publishing(viewer, id, (em) => this.updateInTx(viewer, id, dto, em));
  }

  private async updateInTx(viewer: Viewer, id: string, dto: UpdateCustomerDto, em: EntityManager): Promise<CustomerView> {
    const { customer, conversationId } = await this.readable(viewer, id);
    await this.policy.requireAction(viewer, conversationId, Permission.CustomerProfileEdit, em);
    const profile = { ...customer.profile, ...(dto.profile ?? {}) };
    await this.customers.update(viewer.orgId, id, { displayName: dto.displayName ?? customer.displayName, profile }, em);
    await this.audit.record(em, viewer.orgId, {
      actorId: viewer.memberId,
      action: 'customer.updated',
      targetType: 'customer',
      targetId: id,
      after: { displayName: dto.displayName, fields: Object.keys(dto.profile ?? {}) },
    });
    return presentCustomer((await this.customers.findById(viewer.orgId, id, em))!, viewer);
  }

  setTags(viewer: Viewer, id: string, tags: string[]): Promise<CustomerView> {
    return this.publishing(viewer, id, async (em) => {
      const { conversationId } = await this.readable(viewer, id);
      await this.policy.requireAction(viewer, conversationId, Permission.CustomerTagsEdit, em);
      await this.customers.update(viewer.orgId, id, { tags: [...new Set(tags)] }, em);
      return presentCustomer((await this.customers.findById(viewer.orgId, id, em))!, viewer);
    });
  }

  private async publishing<T>(viewer: Viewer, id: string, work: (em: EntityManager) => Promise<T>): Promise<T> {
    const result = await this.ds.transaction(work);
    const found = await this.customers.findWithConversation(viewer.orgId, id);
    if (found) await this.realtime.conversationChanged({ orgId: viewer.orgId, conversationId: found.conversationId, before: null, customerChanged: true });
    return result;
  }

  private async readable(viewer: Viewer, id: string): Promise<{ customer: CustomerEntity; conversationId: string }> {
    const found = await this.customers.findWithConversation(viewer.orgId, id);
    if (!found) throw new NotFoundException('Customer not found');
    await this.policy.requireReadable(viewer, found.conversationId);
    return found;
  }
}
