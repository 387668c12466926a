import { Inject, Injectable, Logger, NotFoundException } from '@nestjs/common';
import { AccessPolicy } from '../../access/access.policy';
import { Permission } from '../../access/permissions';
import type { Viewer } from '../../access/viewer';
import { AuditService } from '../../audit/audit.service';
import { ConversationRepository } from '../../conversations/conversation.repository';
import { CustomerRepository } from '../../customers/customer.repository';
import { UnitOfWork } from '../../events/unit-of-work';
import { OBJECT_STORAGE, ObjectStorage } from '../../media/storage/object-storage';
import { ErasedCounts, RecordsRepository } from './records.repository';

/**
 * Erases a customer (seed 004: delete only for admins): profile, conversations, messages,
 * attachments, bindings and the notifications that named them, in one transaction; the audit
 * entry keeps only the counts. Readers' sockets hear `conversation.removed` (the conversations'
 * states before are kept by the lock). Stored files are deleted after the commit, so a rolled
 * back erasure never loses a file. The customer's next message starts a new customer.
 */
@Injectable()
export class CustomerErasureService {
  private readonly logger = new Logger('CustomerErasure');

  constructor(
    private readonly policy: AccessPolicy,
    private readonly customers: CustomerRepository,
    private readonly conversations: ConversationRepository,
    private readonly records: RecordsRepository,
    private readonly audit: AuditService,
    private readonly uow: UnitOfWork,
    @Inject(OBJECT_STORAGE) private readonly storage: ObjectStorage,
  ) {}

  async erase(viewer: Viewer, customerId: string): Promise<ErasedCounts> {
    const found = await this.customers.findWithConversation(viewer.orgId, customerId);
    if (!found) throw new NotFoundException('Customer not found');
    await this.policy.requireReadable(viewer, found.conversationId);
    this.policy.assertPermissions(viewer, [Permission.CustomerDelete]);
    const { counts, keys } = await this.uow.run(async () => {
      const ids = await this.records.conversationIdsOfCustomer(viewer.orgId, customerId);
      await this.conversations.lockManyForChange(viewer.orgId, ids);
      const keys = await this.records.storageKeysOfCustomer(viewer.orgId, customerId, ids);
      const counts = await this.records.eraseCustomer(viewer.orgId, customerId, ids);
      await this.audit.record(viewer.orgId, { actorId: viewer.memberId, action: 'customer.erased', targetType: 'customer', targetId: customerId, after: counts });
      return { counts, keys };
    });
    await this.deleteFiles(keys);
    return counts;
  }

  /** Best effort after commit: a file that cannot be deleted now is logged (its row is gone, it is unreachable). */
  async deleteFiles(keys: readonly string[]): Promise<void> {
    for (const key of keys) await this.storage.delete(key).catch((e: Error) => this.logger.warn(`could not delete stored file ${key}: ${e.message}`));
  }
}
