import { Db } from './db';
import { preparedEntity } from './prepared';
import { EntityManager, EntityTarget, FindOptionsOrder, FindOptionsWhere, ObjectLiteral, Repository } from 'typeorm';

/**
 * Base of every tenant-owned repository: each method takes the org id first, so a query
 * without tenant scope cannot be written through it (Novu's rule, enforced by the types).
 */
export abstract class OrgScopedRepository<E extends ObjectLiteral & { id: string; orgId: string }> {
  protected constructor(
    protected readonly db: Db,
    private readonly entity: EntityTarget<E>,
  ) {}

  /** The open transaction's manager inside a unit of work, the pool's otherwise. */
  protected get em(): EntityManager {
    return this.db.manager;
  }

  protected repo(em?: EntityManager): Repository<E> {
    return (em ?? this.em).getRepository(this.entity);
  }

  protected scope(orgId: string, where: Partial<Record<keyof E, unknown>> = {}): FindOptionsWhere<E> {
    return { ...where, orgId } as unknown as FindOptionsWhere<E>;
  }

  findById(orgId: string, id: string, em?: EntityManager): Promise<E | null> {
    // An undefined id would silently drop the condition and match any row of the org.
    if (!orgId || !id) return Promise.resolve(null);
    return preparedEntity(em ?? this.em, this.entity, 'org_id = $1 AND id = $2::uuid', [orgId, id]);
  }

  /** Row-locks one record for the rest of the transaction (FOR UPDATE). */
  lockById(orgId: string, id: string, em?: EntityManager): Promise<E | null> {
    if (!orgId || !id) return Promise.resolve(null);
    return preparedEntity(em ?? this.db.txManager, this.entity, 'org_id = $1 AND id = $2::uuid', [orgId, id], { lock: true });
  }

  findBy(orgId: string, where: Omit<FindOptionsWhere<E>, 'orgId'> & Partial<Record<keyof E, unknown>>, order?: FindOptionsOrder<E>, em?: EntityManager): Promise<E[]> {
    return this.repo(em).find({ where: this.scope(orgId, where), order });
  }

  countBy(orgId: string, where: Omit<FindOptionsWhere<E>, 'orgId'> & Partial<Record<keyof E, unknown>>, em?: EntityManager): Promise<number> {
    return this.repo(em).countBy(this.scope(orgId, where));
  }

  create(orgId: string, values: Omit<Partial<E>, 'orgId' | 'id'>, em?: EntityManager): Promise<E> {
    const repo = this.repo(em);
    return repo.save(repo.create({ ...values, orgId } as unknown as E));
  }

  async update(orgId: string, id: string, values: Omit<Partial<E>, 'orgId' | 'id'>, em?: EntityManager): Promise<void> {
    await this.repo(em).update(this.scope(orgId, { id } as Partial<Record<keyof E, unknown>>), values as never);
  }

  async deleteById(orgId: string, id: string, em?: EntityManager): Promise<void> {
    await this.repo(em).delete(this.scope(orgId, { id } as Partial<Record<keyof E, unknown>>));
  }
}
