import { runMigrations } from '../../src/infra/database/migrate';
import { databaseUrl, dropDatabase, withAdmin } from './databases';

/** Migrates one template database per run; every e2e file clones it (fast, and never shared). */
export default async function globalSetup(): Promise<void> {
  const template = `omni_tpl_${process.pid}_${Date.now().toString(36)}`;
  await runMigrations(databaseUrl(template));
  await withAdmin((c) => c.query(`ALTER DATABASE "${template}" WITH ALLOW_CONNECTIONS false`));
  process.env.OMNI_TEST_TEMPLATE_DB = template;
  // Leftovers of runs that were killed before their teardown: templates and file databases older than a day.
  await withAdmin(async (c) => {
    const { rows } = await c.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname ~ '^omni_(tpl|t)_' AND datname <> $1`,
      [template],
    );
    for (const { datname } of rows) {
      const ts = parseInt(datname.split('_').pop() ?? '', 36);
      if (Number.isFinite(ts) && Date.now() - ts > 24 * 3600 * 1000) await dropDatabase(datname).catch(() => undefined);
    }
  });
}
