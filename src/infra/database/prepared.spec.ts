import { EntityManager, QueryFailedError } from 'typeorm';
import { preparedQuery, statementName } from './prepared';

/** An EntityManager inside a transaction whose connection answers with `answer`. */
function managerAnswering(answer: (config: { name: string; text: string; values: readonly unknown[] }) => unknown): EntityManager {
  const client = { query: async (config: { name: string; text: string; values: readonly unknown[] }) => answer(config) };
  return { queryRunner: { isReleased: false, connect: async () => client } } as unknown as EntityManager;
}

describe('preparedQuery', () => {
  it('runs on the transaction connection under a stable name per SQL text', async () => {
    const seen: { name: string; values: readonly unknown[] }[] = [];
    const em = managerAnswering((c) => {
      seen.push({ name: c.name, values: c.values });
      return { rows: [{ n: 1 }], rowCount: 1 };
    });
    expect(await preparedQuery(em, 'SELECT $1::int AS n', [1])).toEqual([{ n: 1 }]);
    await preparedQuery(em, 'SELECT $1::int AS n', [2]);
    expect(seen).toEqual([
      { name: statementName('SELECT $1::int AS n'), values: [1] },
      { name: statementName('SELECT $1::int AS n'), values: [2] },
    ]);
    expect(statementName('SELECT 1')).not.toBe(statementName('SELECT 2'));
  });

  it("wraps the driver's error in QueryFailedError with its SQLSTATE (the HTTP filter maps 22P02 to 400, 23505 to 409)", async () => {
    const em = managerAnswering(() => {
      throw Object.assign(new Error('invalid input syntax for type uuid: "x"'), { code: '22P02' });
    });
    const err = await preparedQuery(em, 'SELECT $1::uuid', ['x']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QueryFailedError);
    expect((err as QueryFailedError & { code?: string }).code).toBe('22P02');
    expect((err as QueryFailedError).driverError.message).toContain('invalid input syntax');
  });
});
