import { Injectable } from '@nestjs/common';
import { Db } from '../../infra/database/db';
import { OrgEntity } from './org.entity';

/** The tenant row itself: keyed by the org id, which is the scope. */
@Injectable()
export class OrgRepository {
  constructor(private readonly db: Db) {}

  private get repo() {
    return this.db.manager.getRepository(OrgEntity);
  }

  find(orgId: string): Promise<OrgEntity | null> {
    return this.repo.findOneBy({ id: orgId });
  }

  /** Row-locks the org for the rest of the unit of work (serializes tree changes). */
  lock(orgId: string): Promise<OrgEntity | null> {
    return this.db.txManager.getRepository(OrgEntity).findOne({ where: { id: orgId }, lock: { mode: 'pessimistic_write' } });
  }

  create(values: Pick<OrgEntity, 'name'> & Partial<OrgEntity>): Promise<OrgEntity> {
    const repo = this.repo;
    return repo.save(repo.create({ transferTimeoutSeconds: 3600, timezone: 'UTC', maxUnitDepth: 3, ...values }));
  }

  async update(orgId: string, values: Partial<Omit<OrgEntity, 'id'>>): Promise<void> {
    await this.repo.update({ id: orgId }, values);
  }
}
