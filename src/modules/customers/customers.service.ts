import { ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { AccessPolicy } from '../access/access.policy';
import { Permission } from '../access/permissions';
import type { Viewer } from '../access/viewer';
import { AuditService } from '../audit/audit.service';
import { UnitOfWork } from '../events/unit-of-work';
import { UpdateCustomerDto } from './customer.dto';
import { CustomerEntity } from './customer.entity';
import { CustomerView, presentCustomer } from './customer.presenter';
import { CustomerRepository } from './customer.repository';

/** A customer is readable iff their conversation is (SPEC §3); field permissions then apply. */
@Injectable()
export class CustomersService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly customers: CustomerRepository,
    private readonly policy: AccessPolicy,
    private readonly audit: AuditService,
  ) {}

  async get(viewer: Viewer, id: string, reveal: boolean): Promise<CustomerView> {
    const { customer } = await this.readable(viewer, id);
    if (reveal) {
      if (!this.policy.has(viewer, Permission.CustomerSensitiveView) || !this.policy.has(viewer, Permission.CustomerProfileView)) {
        throw new ForbiddenException('Revealing sensitive fields needs customer.profile.view and customer.sensitive.view');
      }
      await this.uow.run(() =>
        this.audit.record(viewer.orgId, {
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

  /** PATCH: the profile is merged into the row read under its lock, so concurrent edits of different fields all land. */
  update(viewer: Viewer, id: string, dto: UpdateCustomerDto): Promise<CustomerView> {
    return this.onLocked(viewer, id, Permission.CustomerProfileEdit, async (customer) => {
      const profile = { ...customer.profile, ...(dto.profile ?? {}) };
      const displayName = dto.displayName ?? customer.displayName;
      await this.customers.update(viewer.orgId, id, { displayName, profile });
      await this.audit.record(viewer.orgId, {
        actorId: viewer.memberId,
        action: 'customer.updated',
        targetType: 'customer',
        targetId: id,
        after: { displayName: dto.displayName, fields: Object.keys(dto.profile ?? {}) },
      });
      const fields = [...(dto.displayName !== undefined ? ['displayName'] : []), ...Object.keys(dto.profile ?? {}).map((f) => `profile.${f}`)];
      return { ...customer, displayName, profile, fields };
    });
  }

  setTags(viewer: Viewer, id: string, tags: string[]): Promise<CustomerView> {
    return this.onLocked(viewer, id, Permission.CustomerTagsEdit, async (customer) => {
      const unique = [...new Set(tags)];
      // The binding tag (the bound unit's name) is system-owned: it stays while the binding stands.
      const bindingTag = customer.boundUnitId ? await this.customers.boundUnitName(viewer.orgId, customer.boundUnitId) : null;
      if (bindingTag && !unique.includes(bindingTag)) unique.push(bindingTag);
      await this.customers.update(viewer.orgId, id, { tags: unique });
      return { ...customer, tags: unique, fields: ['tags'] };
    });
  }

  /** One unit of work on the customer's locked row, after the read and action checks; records `customer.updated`. */
  private onLocked(
    viewer: Viewer,
    id: string,
    permission: Permission,
    work: (customer: CustomerEntity) => Promise<CustomerEntity & { fields: string[] }>,
  ): Promise<CustomerView> {
    return this.uow.run(async () => {
      const { conversationId } = await this.readable(viewer, id);
      await this.policy.requireAction(viewer, conversationId, permission);
      const locked = await this.customers.lockById(viewer.orgId, id);
      if (!locked) throw new NotFoundException('Customer not found');
      const { fields, ...after } = await work(locked);
      this.uow.customerChanged(viewer.orgId, id, conversationId, fields, viewer.memberId);
      return presentCustomer(after as CustomerEntity, viewer);
    });
  }

  private async readable(viewer: Viewer, id: string): Promise<{ customer: CustomerEntity; conversationId: string }> {
    const found = await this.customers.findWithConversation(viewer.orgId, id);
    if (!found) throw new NotFoundException('Customer not found');
    await this.policy.requireReadable(viewer, found.conversationId);
    return found;
  }
}
