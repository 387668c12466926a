import { Client } from 'pg';
import { optionsFromEnv, progressLine, seedLarge } from '../scripts/seed-large';
import { createDatabaseFromTemplate, databaseUrl, dropDatabase } from './support/databases';

/** `npm run seed:large` at toy scale: the same statements in slices, with progress lines on stderr. */
describe('seed:large progress', () => {
  const name = `omni_t_seedlarge_${process.pid}_${Date.now().toString(36)}`;
  beforeAll(() => createDatabaseFromTemplate(name, process.env.OMNI_TEST_TEMPLATE_DB!));
  afterAll(() => dropDatabase(name));

  it('formats counts, percentage, rate and time left', () => {
    expect(progressLine('messages', 1_250_000, 5_000_000, 30_000)).toBe(
      '[seed:large] messages                         1,250,000 / 5,000,000 rows (25.0%)  41,667 rows/s  ETA 1m30s',
    );
    expect(progressLine('customers', 10, 10, 2_000)).toMatch(/10 \/ 10 rows \(100\.0%\) {2}5 rows\/s {2}ETA done$/);
  });

  it('seeds in slices, reporting each big step to 100%, and writes the same data as one statement would', async () => {
    const progress: string[] = [];
    const log: string[] = [];
    const conversations = 250;
    await seedLarge({
      ...optionsFromEnv({ DATABASE_URL: databaseUrl(name) }),
      conversations,
      perConversation: 2,
      regions: 2,
      storesPerRegion: 2,
      batch: 60,
      progressEveryMs: 0,
      progress: (l) => progress.push(l),
      log: (l) => log.push(l),
    });

    for (const label of ['customers', 'conversations', 'messages', 'conversations.last_message_id']) {
      const lines = progress.filter((l) => l.startsWith(`[seed:large] ${label} `));
      // 250 conversations in slices of 60: five lines, the last one complete.
      expect({ label, lines: lines.length }).toEqual({ label, lines: 5 });
      expect(lines[4]).toMatch(/\(100\.0%\) .* ETA done$/);
    }
    expect(progress.find((l) => l.startsWith('[seed:large] messages '))).toMatch(/ 120 \/ 500 rows \(24\.0%\) /);
    expect(log.join('\n')).toContain('Done in');

    const c = new Client({ connectionString: databaseUrl(name) });
    await c.connect();
    try {
      const one = async (sql: string) => Number((await c.query(sql)).rows[0].n);
      expect(await one('SELECT count(*) AS n FROM customers')).toBe(conversations);
      expect(await one('SELECT count(*) AS n FROM conversations')).toBe(conversations);
      expect(await one('SELECT count(*) AS n FROM messages')).toBe(conversations * 2);
      expect(await one('SELECT count(*) AS n FROM conversations WHERE last_message_id IS NULL')).toBe(0);
      expect(await one('SELECT count(*) AS n FROM conversations c WHERE assignee_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.conversation_id = c.id AND a.ended_at IS NULL)')).toBe(0);
      expect(await one('SELECT count(*) AS n FROM assignments WHERE ended_at IS NULL')).toBe(await one('SELECT count(*) AS n FROM conversations WHERE assignee_id IS NOT NULL'));
      expect(await one(`SELECT count(*) AS n FROM conversations WHERE status <> 'open' AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.conversation_id = conversations.id)`)).toBe(0);
    } finally {
      await c.end();
    }
  }, 120_000);
});
