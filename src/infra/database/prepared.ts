import { createHash } from 'crypto';
import { DataSource, EntityManager, EntityTarget, ObjectLiteral, QueryFailedError } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

interface PgQueryable {
  query(config: { name: string; text: string; values: readonly unknown[] }): Promise<{ rows: unknown[]; rowCount: number | null }>;
}

const names = new Map<string, string>();

/** A stable statement name per SQL text (PostgreSQL keeps names per connection). */
export function statementName(sql: string): string {
  let name = names.get(sql);
  if (!name) {
    name = `omni_${createHash('sha1').update(sql).digest('hex').slice(0, 24)}`;
    names.set(sql, name);
  }
  return name;
}

/**
 * Runs a hot statement of FIXED text as a named prepared statement: each connection parses it
 * once and, after a few executions, PostgreSQL reuses a generic plan. `npm run bench` showed
 * planning, not execution, was most of the database's time per inbound message (the facts
 * and viewer joins cost ~0.3 ms to plan and ~0.07 ms to run). Never pass SQL built from
 * values: every distinct text becomes a statement held by every pooled connection.
 *
 * Inside a transaction, pass its EntityManager: the statement runs on its connection.
 * Errors are wrapped in TypeORM's QueryFailedError like every other query's, so the HTTP
 * filter's mapping (unique violation → 409, malformed value → 400) and the transaction retry
 * see them the same way.
 */
export async function preparedQuery<T>(db: DataSource | EntityManager, sql: string, params: readonly unknown[]): Promise<T[]> {
  const em = db instanceof DataSource ? db.manager : db;
  const config = { name: statementName(sql), text: sql, values: params };
  const runner = em.queryRunner;
  if (runner?.isReleased) {
    // The transaction's connection is gone (PostgreSQL ended it, the socket broke) and TypeORM
    // released its runner. Never fall back to the pool: the transaction is lost; say so.
    throw new QueryFailedError(sql, params as unknown[], Object.assign(new Error('Connection terminated: the transaction lost its connection'), { code: 'ECONNRESET' }));
  }
  const target: PgQueryable = runner ? await runner.connect() : (em.connection.driver as PostgresDriver).master;
  try {
    const res = await target.query(config);
    return res.rows as T[];
  } catch (e) {
    throw new QueryFailedError(sql, params as unknown[], e as Error);
  }
}

const entitySql = new Map<string, string>();

/**
 * One entity by a fixed WHERE (e.g. `org_id = $1 AND id = $2`) as a prepared statement,
 * hydrated the way TypeORM hydrates (same columns — `select: false` ones only `withHidden` — and the
 * driver's own value conversion), without building a query through the query builder each time.
 */
export async function preparedEntity<E extends ObjectLiteral>(
  db: DataSource | EntityManager,
  entity: EntityTarget<E>,
  where: string,
  params: readonly unknown[],
  opts: { lock?: boolean; withHidden?: boolean } = {},
): Promise<E | null> {
  const em = db instanceof DataSource ? db.manager : db;
  const meta = em.connection.getMetadata(entity);
  const key = `${meta.tableName}|${where}|${opts.lock ? 'lock' : ''}|${opts.withHidden ? 'all' : ''}`;
  let sql = entitySql.get(key);
  if (!sql) {
    sql = `SELECT ${entityColumns(em, entity, opts)} FROM "${meta.tableName}" WHERE ${where} LIMIT 1${opts.lock ? ' FOR UPDATE' : ''}`;
    entitySql.set(key, sql);
  }
  const [row] = await preparedQuery<Record<string, unknown>>(em, sql, params);
  return row ? hydrateEntity(em, entity, row) : null;
}

/** The entity's selectable columns (`withHidden`: `select: false` ones too), quoted, for `SELECT …` or `RETURNING …` lists. */
export function entityColumns(db: DataSource | EntityManager, entity: EntityTarget<ObjectLiteral>, opts: { withHidden?: boolean; alias?: string } = {}): string {
  const em = db instanceof DataSource ? db.manager : db;
  const alias = opts.alias ? `${opts.alias}.` : '';
  return em.connection
    .getMetadata(entity)
    .columns.filter((c) => c.isSelect || opts.withHidden)
    .map((c) => `${alias}"${c.databaseName}"`)
    .join(', ');
}

/** A raw row (database column names) as TypeORM would hydrate it. */
export function hydrateEntity<E extends ObjectLiteral>(db: DataSource | EntityManager, entity: EntityTarget<E>, row: Record<string, unknown>): E {
  const em = db instanceof DataSource ? db.manager : db;
  const meta = em.connection.getMetadata(entity);
  const out = meta.create() as E;
  for (const c of meta.columns) {
    if (c.databaseName in row) c.setEntityValue(out, em.connection.driver.prepareHydratedValue(row[c.databaseName], c));
  }
  return out;
}
