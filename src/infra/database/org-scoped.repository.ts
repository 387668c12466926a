import { EntityManager, EntityTarget, FindOptionsOrder, FindOptionsWhere, ObjectLiteral, Repository } from 'typeorm';
import { Db } from './db';
import { preparedEntity } from './prepared';

/**
 * Base of every tenant-owned repository: each method takes the org id first, so a query
 * without tenant scope cannot be written through it (Novu's rule, enforced by the types).
 * Statements run on the open unit of work's connection when there is one (see Db).
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

  protected repo(): Repository<E> {
    return this.em.getRepository(this.entity);
  }

  protected scope(orgId: string, where: Partial<Record<keyof E, unknown>> = {}): FindOptionsWhere<E> {
    return { ...where, orgId } as unknown as FindOptionsWhere<E>;
  }

  findById(orgId: string, id: string): Promise<E | null> {
    // An undefined id would silently drop the condition and match any row of the org.
    if (!orgId || !id) return Promise.resolve(null);
    return preparedEntity(this.em, this.entity, 'org_id = $1 AND id = $2::uuid', [orgId, id]);
  }

  /** Row-locks one record for the rest of the unit of work (FOR UPDATE); throws outside one. */
  lockById(orgId: string, id: string): Promise<E | null> {
    if (!orgId || !id) return Promise.resolve(null);
    return preparedEntity(this.db.txManager, this.entity, 'org_id = $1 AND id = $2::uuid', [orgId, id], { lock: true });
  }

  findBy(orgId: string, where: Omit<FindOptionsWhere<E>, 'orgId'> & Partial<Record<keyof E, unknown>>, order?: FindOptionsOrder<E>): Promise<E[]> {
    return this.repo().find({ where: this.scope(orgId, where), order });
  }

  countBy(orgId: string, where: Omit<FindOptionsWhere<E>, 'orgId'> & Partial<Record<keyof E, unknown>>): Promise<number> {
    return this.repo().countBy(this.scope(orgId, where));
  }

  create(orgId: string, values: Omit<Partial<E>, 'orgId' | 'id'>): Promise<E> {
    const repo = this.repo();
    return repo.save(repo.create({ ...values, orgId } as unknown as E));
  }

  async update(orgId: string, id: string, values: Omit<Partial<E>, 'orgId' | 'id'>): Promise<void> {
    await this.repo().update(this.scope(orgId, { id } as Partial<Record<keyof E, unknown>>), values as never);
  }

  async deleteById(orgId: string, id: string): Promise<void> {
    await this.repo().delete(this.scope(orgId, { id } as Partial<Record<keyof E, unknown>>));
  }
}
