import { FOLDER_SQL, readableSql } from '../folders/folder.sql';
import { searchSql } from './search.sql';

describe('search SQL', () => {
  it('takes visibility from the folder SQL: the OR of the given folders\' clauses, with the channel scope', () => {
    const sql = readableSql(['assigned', 'bound']);
    expect(sql).toContain(FOLDER_SQL.assigned.where);
    expect(sql).toContain(FOLDER_SQL.bound.where);
    expect(sql).not.toContain(FOLDER_SQL.department.where);
    expect(sql).toContain('cardinality($5::uuid[])');
    expect(readableSql([])).toBe('FALSE');
  });

  it('applies the readable set to both the message and the customer-name branch', () => {
    const readable = readableSql(['department']);
    const sql = searchSql({ folders: ['department'], long: true, keyset: false });
    expect(sql.split(readable).length - 1).toBe(2);
  });

  it('uses the trigram-indexable ILIKE only for long queries and never reads private text without $7', () => {
    const long = searchSql({ folders: ['all'], long: true, keyset: true });
    const short = searchSql({ folders: ['all'], long: false, keyset: true });
    expect(long).toContain('m.text ILIKE $6');
    expect(short).not.toContain('m.text ILIKE $6');
    expect(short).toContain("(m.text || '') ILIKE $6");
    expect(short).toContain('search_short_grams(cu.display_name) @> ARRAY[$9::text]');
    for (const sql of [long, short]) {
      expect(sql).toContain('(NOT m.private OR $7::boolean)');
      expect(sql).toContain('(NOT n.private OR $7::boolean)');
      expect(sql).toContain('($10::timestamptz, $11::uuid)');
    }
  });
});
