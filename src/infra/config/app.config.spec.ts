import { poolExtra } from '../database/data-source-options';
import { loadAppConfig } from './app.config';

const key = Buffer.alloc(32, 7).toString('base64');
const base = { JWT_SECRET: 'x'.repeat(32), SECRETS_KEY: key };

describe('loadAppConfig', () => {
  it('applies the SPEC §10 defaults', () => {
    const cfg = loadAppConfig(base);
    expect(cfg.port).toBe(3000);
    expect(cfg.databaseUrl).toBe('postgres://postgres@127.0.0.1:5432/omni_inbox');
    expect(cfg.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(cfg.signupEnabled).toBe(true);
    expect(cfg.runWorkers).toBe(true);
    expect(cfg.secretsKey.length).toBe(32);
    expect(cfg.publicUrl).toBe('http://localhost:3000');
  });

  it('parses booleans and numbers', () => {
    const cfg = loadAppConfig({ ...base, PORT: '8080', SIGNUP_ENABLED: 'false', RUN_WORKERS: '0' });
    expect(cfg.port).toBe(8080);
    expect(cfg.signupEnabled).toBe(false);
    expect(cfg.runWorkers).toBe(false);
  });

  it('bounds every wait on the database by default', () => {
    expect(loadAppConfig(base).databaseTimeouts).toEqual({ acquireTimeoutMs: 5000, statementTimeoutMs: 30000, idleInTransactionTimeoutMs: 30000, lockTimeoutMs: 10000 });
  });

  it('reads the database timeouts and refuses values that would wait forever or are not numbers', () => {
    const cfg = loadAppConfig({
      ...base,
      DATABASE_ACQUIRE_TIMEOUT_MS: '2500',
      DATABASE_STATEMENT_TIMEOUT_MS: '60000',
      DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: '15000',
      DATABASE_LOCK_TIMEOUT_MS: '3000',
    });
    expect(cfg.databaseTimeouts).toEqual({ acquireTimeoutMs: 2500, statementTimeoutMs: 60000, idleInTransactionTimeoutMs: 15000, lockTimeoutMs: 3000 });
    for (const name of ['DATABASE_ACQUIRE_TIMEOUT_MS', 'DATABASE_STATEMENT_TIMEOUT_MS', 'DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS', 'DATABASE_LOCK_TIMEOUT_MS']) {
      for (const bad of ['0', '-1', '1.5', 'soon', '86400001']) {
        expect(() => loadAppConfig({ ...base, [name]: bad })).toThrow(new RegExp(`${name}: is invalid`));
      }
    }
  });

  it('hands the timeouts to the pg pool under pg-pool / pg client names; without them (migrations) none is set', () => {
    const cfg = loadAppConfig(base);
    expect(poolExtra({ poolSize: cfg.databasePoolSize, ...cfg.databaseTimeouts })).toEqual({
      max: 20,
      min: 20,
      connectionTimeoutMillis: 5000,
      statement_timeout: 30000,
      idle_in_transaction_session_timeout: 30000,
      lock_timeout: 10000,
    });
    expect(poolExtra({ poolSize: 2 })).toEqual({ max: 2, min: 2 });
  });

  it('names a missing required variable', () => {
    expect(() => loadAppConfig({ SECRETS_KEY: key })).toThrow(/JWT_SECRET: is missing/);
  });

  it('names an invalid variable', () => {
    expect(() => loadAppConfig({ ...base, SECRETS_KEY: 'c2hvcnQ=' })).toThrow(/SECRETS_KEY: is invalid/);
    expect(() => loadAppConfig({ ...base, PORT: 'eighty' })).toThrow(/PORT: is invalid/);
    expect(() => loadAppConfig({ ...base, DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL/);
  });
});
