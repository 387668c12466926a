import { FOLDER_SQL, readableSql } from '../folders/folder.sql';
import { candidateIdsSql, privateLast } from './readable-scope.sql';
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

  it('uses the trigram-indexable ILIKE for long queries, the short-grams index for short ones, and never reads private text without $7', () => {
    const long = searchSql({ folders: ['all'], long: true, keyset: true });
    const short = searchSql({ folders: ['all'], long: false, keyset: true });
    expect(long).toContain('m.text ILIKE $6');
    expect(long).not.toContain('search_short_grams(m.text)');
    expect(short).toContain('m.text ILIKE $6 AND search_short_grams(m.text) @> ARRAY[$9::text]');
    expect(short).toContain('search_short_grams(cu.display_name) @> ARRAY[$9::text]');
    for (const sql of [long, short]) {
      expect(sql).toContain('(NOT m.private OR $7::boolean)');
      expect(sql).toContain('(NOT n.private OR $7::boolean)');
      expect(sql).toContain('($10::timestamptz, $11::uuid)');
    }
  });

  it('narrow plan: starts from the candidate ids, filters them with the same readable set, and keeps the private rule and keyset', () => {
    const folders = ['assigned', 'department', 'bound'] as const;
    const candidates = candidateIdsSql(folders)!;
    const sql = searchSql({ folders, long: false, keyset: true, candidates });
    expect(sql).toContain(candidates);
    expect(sql.split(readableSql(folders)).length - 1).toBe(1);
    expect(sql).toContain('(NOT m.private OR $7::boolean)');
    expect(sql).toContain('(x.at, x.conversation_id) < ($10::timestamptz, $11::uuid)');
  });
});

describe('readable scope candidates', () => {
  it('are the ranges of folders bounded by the viewer; an org-wide folder means no narrow plan', () => {
    expect(candidateIdsSql(['all'])).toBeNull();
    expect(candidateIdsSql(['assigned', 'unassigned'])).toBeNull();
    const sql = candidateIdsSql(['assigned', 'department', 'private', 'done'])!;
    expect(sql).toContain(FOLDER_SQL.assigned.where);
    for (const r of [...FOLDER_SQL.department.narrow!, ...FOLDER_SQL.done.narrow!]) expect(sql).toContain(r.where);
    expect(sql).toContain('conversation_private_units p');
    expect(candidateIdsSql(['assigned', 'bound'], false)).toContain(' UNION ALL ');
  });

  it('privateLast keeps the same folders and moves private to the end (an OR reaches it last)', () => {
    expect(privateLast(['unassigned', 'private', 'done', 'trash'])).toEqual(['unassigned', 'done', 'trash', 'private']);
    expect(privateLast(['assigned', 'bound'])).toEqual(['assigned', 'bound']);
  });
});
