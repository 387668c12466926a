import { updateReturning } from './returning';

describe('updateReturning', () => {
  it('unwraps the [rows, rowCount] shape TypeORM gives UPDATE/DELETE', async () => {
    const runner = { query: async () => [[{ id: 'a' }], 1] };
    expect(await updateReturning(runner, 'UPDATE …', [])).toEqual([{ id: 'a' }]);
    expect(await updateReturning({ query: async () => [[], 0] }, 'UPDATE …', [])).toEqual([]);
  });

  it('passes plain row arrays through', async () => {
    expect(await updateReturning({ query: async () => [{ id: 'a' }, { id: 'b' }] }, 'INSERT …', [])).toEqual([{ id: 'a' }, { id: 'b' }]);
  });
});
