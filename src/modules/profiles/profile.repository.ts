import { Injectable } from '@nestjs/common';
import { Db } from '../../infra/database/db';
import { OrgScopedRepository } from '../../infra/database/org-scoped.repository';
import { ChannelType } from '../channels/channel-account.entity';
import { CustomerEntity } from '../customers/customer.entity';

export interface ProfileTarget {
  customerId: string;
  conversationId: string;
  externalId: string;
  channelType: ChannelType;
  channelExternalId: string;
  accessTokenEnc: string;
  profileFetchedAt: Date | null;
}

/** Reads what the profile job needs (writes go through CustomerRepository and AttachmentRepository). */
@Injectable()
export class ProfileRepository extends OrgScopedRepository<CustomerEntity> {
  constructor(db: Db) {
    super(db, CustomerEntity);
  }

  async target(orgId: string, conversationId: string): Promise<ProfileTarget | null> {
    const [r] = await this.em.query(
      `SELECT cu.id AS customer_id, c.id AS conversation_id, cu.external_id, a.type AS channel_type, a.external_id AS channel_external_id,
              a.access_token_enc, cu.profile_fetched_at
         FROM conversations c
         JOIN customers cu ON cu.org_id = c.org_id AND cu.id = c.customer_id
         JOIN channel_accounts a ON a.org_id = cu.org_id AND a.id = cu.channel_account_id
        WHERE c.org_id = $1 AND c.id = $2`,
      [orgId, conversationId],
    );
    if (!r) return null;
    return {
      customerId: r.customer_id,
      conversationId: r.conversation_id,
      externalId: r.external_id,
      channelType: r.channel_type,
      channelExternalId: r.channel_external_id,
      accessTokenEnc: r.access_token_enc,
      profileFetchedAt: r.profile_fetched_at,
    };
  }
}
