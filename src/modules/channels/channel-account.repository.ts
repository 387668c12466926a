import { Injectable } from '@nestjs/common';
import { Db } from '../../infra/database/db';
import { OrgScopedRepository } from '../../infra/database/org-scoped.repository';
import { preparedEntity } from '../../infra/database/prepared';
import { ChannelAccountEntity, ChannelType } from './channel-account.entity';

export type ChannelAccountWithSecrets = ChannelAccountEntity & { secretEnc: string; accessTokenEnc: string; verifyTokenEnc: string | null };

@Injectable()
export class ChannelAccountRepository extends OrgScopedRepository<ChannelAccountEntity> {
  constructor(db: Db) {
    super(db, ChannelAccountEntity);
  }

  listAll(orgId: string): Promise<ChannelAccountEntity[]> {
    return this.repo().find({ where: { orgId }, order: { createdAt: 'ASC' } });
  }

  findWithSecrets(orgId: string, id: string): Promise<ChannelAccountWithSecrets | null> {
    return this.repo()
      .createQueryBuilder('a')
      .addSelect(['a.secretEnc', 'a.accessTokenEnc', 'a.verifyTokenEnc'])
      .where('a.org_id = :orgId AND a.id = :id', { orgId, id })
      .getOne() as Promise<ChannelAccountWithSecrets | null>;
  }

  /**
   * Webhooks arrive with only the account id in their URL: this resolves the account (and
   * so its org) before anything else is read; the signature check follows immediately.
   */
  findForWebhook(type: ChannelType, id: string): Promise<ChannelAccountWithSecrets | null> {
    // Every webhook starts here: a prepared statement, secrets included.
    return preparedEntity(this.em, ChannelAccountEntity, 'type = $1 AND id = $2::uuid', [type, id], { withHidden: true }) as Promise<ChannelAccountWithSecrets | null>;
  }

  async customerCount(orgId: string, id: string): Promise<number> {
    const [row] = await this.em.query(`SELECT count(*)::int AS n FROM customers WHERE org_id = $1 AND channel_account_id = $2`, [orgId, id]);
    return row.n;
  }

  /** Members (any status) whose channel scope is this account and nothing else. */
  async membersScopedOnlyTo(orgId: string, id: string): Promise<string[]> {
    const rows: { id: string }[] = await this.em.query(`SELECT id FROM members WHERE org_id = $1 AND channel_account_ids = ARRAY[$2::uuid] ORDER BY id`, [orgId, id]);
    return rows.map((r) => r.id);
  }

  /** A deleted account leaves every member's channel scope. */
  async removeFromChannelScopes(orgId: string, id: string): Promise<void> {
    await this.em.query(
      `UPDATE members SET channel_account_ids = array_remove(channel_account_ids, $2::uuid) WHERE org_id = $1 AND $2::uuid = ANY(channel_account_ids)`,
      [orgId, id],
    );
  }
}
