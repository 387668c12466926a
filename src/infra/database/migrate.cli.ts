import { runMigrations } from './migrate';

const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/omni_inbox';
runMigrations(url)
  .then((ran) => {
    console.log(ran.length ? `Applied migrations: ${ran.join(', ')}` : 'Database schema is up to date.');
  })
  .catch((err: Error) => {
    console.error(`Migration failed: ${err.message}`);
    process.exit(1);
  });
