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

describe('loadAppConfig: login throttle, TRUST_PROXY, CORS_ORIGINS', () => {
  it('limits per address and account, and per address across accounts (100, or LOGIN_THROTTLE_LIMIT when higher)', () => {
    expect(loadAppConfig(base).loginThrottle).toEqual({ limit: 20, ttlMs: 60000, addressLimit: 100 });
    expect(loadAppConfig({ ...base, LOGIN_THROTTLE_LIMIT: '500' }).loginThrottle.addressLimit).toBe(500);
    expect(loadAppConfig({ ...base, LOGIN_THROTTLE_ADDRESS_LIMIT: '30' }).loginThrottle.addressLimit).toBe(30);
    for (const bad of ['0', '-5', '2.5', 'many']) {
      expect(() => loadAppConfig({ ...base, LOGIN_THROTTLE_ADDRESS_LIMIT: bad })).toThrow(/LOGIN_THROTTLE_ADDRESS_LIMIT: is invalid/);
    }
  });

  it('trusts no proxy by default; reads hops, or addresses and CIDRs', () => {
    expect(loadAppConfig(base).trustProxy).toBe(false);
    expect(loadAppConfig({ ...base, TRUST_PROXY: 'false' }).trustProxy).toBe(false);
    expect(loadAppConfig({ ...base, TRUST_PROXY: '0' }).trustProxy).toBe(false);
    expect(loadAppConfig({ ...base, TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadAppConfig({ ...base, TRUST_PROXY: '10.0.0.0/8, 192.168.1.7,fd00::/8, loopback' }).trustProxy).toEqual(['10.0.0.0/8', '192.168.1.7', 'fd00::/8', 'loopback']);
  });

  it('refuses a TRUST_PROXY that is not hops, addresses or CIDRs (true would trust any X-Forwarded-For)', () => {
    for (const bad of ['true', 'yes', '10.0.0.0/33', '10.0.0.0/8,nope', 'proxy.example.com', '1000']) {
      expect(() => loadAppConfig({ ...base, TRUST_PROXY: bad })).toThrow(/TRUST_PROXY: is invalid/);
    }
  });

  it('allows the PUBLIC_URL origin by default, or exactly the CORS_ORIGINS list (normalised)', () => {
    expect(loadAppConfig(base).corsOrigins).toEqual(['http://localhost:3000']);
    expect(loadAppConfig({ ...base, PUBLIC_URL: 'https://Inbox.Example.com/base/' }).corsOrigins).toEqual(['https://inbox.example.com']);
    expect(loadAppConfig({ ...base, CORS_ORIGINS: 'https://console.example.com, http://localhost:5173/,https://CONSOLE.example.com:443' }).corsOrigins).toEqual([
      'https://console.example.com',
      'http://localhost:5173',
    ]);
  });

  it('refuses CORS_ORIGINS entries that are not bare http(s) origins', () => {
    for (const bad of ['*', 'console.example.com', 'https://x.example.com/app', 'ftp://x.example.com', 'https://a.example.com,null', 'https://u:p@x.example.com']) {
      expect(() => loadAppConfig({ ...base, CORS_ORIGINS: bad })).toThrow(/CORS_ORIGINS: is invalid/);
    }
  });
});
