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

  it('names a missing required variable', () => {
    expect(() => loadAppConfig({ SECRETS_KEY: key })).toThrow(/JWT_SECRET: is missing/);
  });

  it('names an invalid variable', () => {
    expect(() => loadAppConfig({ ...base, SECRETS_KEY: 'c2hvcnQ=' })).toThrow(/SECRETS_KEY: is invalid/);
    expect(() => loadAppConfig({ ...base, PORT: 'eighty' })).toThrow(/PORT: is invalid/);
    expect(() => loadAppConfig({ ...base, DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL/);
  });
});
