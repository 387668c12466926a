import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { OrgEntity } from './org.entity';

/** The tenant row itself: keyed by the org id, which is the scope. */
@Injectable()
export class OrgRepository {
  constructor(private readonly ds: DataSource) {}

  private repo(em?: EntityManager) {
    return (em ?? this.ds.manager).getRepository(OrgEntity);
  }

  find(orgId: string, em?: EntityManager): Promise<OrgEntity | null> {
    return this.repo(em).findOneBy({ id: orgId });
  }

  lock(orgId: string, em: EntityManager): Promise<OrgEntity | null> {
    return this.repo(em).findOne({ where: { id: orgId }, lock: { mode: 'pessimistic_write' } });
  }

  create(values: Pick<OrgEntity, 'name'> & Partial<OrgEntity>, em: EntityManager): Promise<OrgEntity> {
    return this.repo(em).save(this.repo(em).create({ transferTimeoutSeconds: 3600, timezone: 'UTC', maxUnitDepth: 3, ...values }));
  }

  async update(orgId: string, values: Partial<Omit<OrgEntity, 'id'>>, em: EntityManager): Promise<void> {
    await this.repo(em).update({ id: orgId }, values);
  }
}
