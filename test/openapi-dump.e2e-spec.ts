import { execFile } from 'child_process';
import { mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { promisify } from 'util';
import { API_DOCS } from '../src/app.docs';
import { startTestApp, TestApp } from './support/test-app';

jest.setTimeout(180_000);

/**
 * The console's REST types come from `npm run web:openapi` (scripts/dump-openapi.ts), which
 * builds the document without a database. Its operations must be the ones the running server
 * documents, at the same paths: the routes outside /api/v1 are one list both read.
 */
describe('the OpenAPI dump the console is typed from', () => {
  let t: TestApp;
  let dir: string;

  beforeAll(async () => {
    t = await startTestApp();
    dir = mkdtempSync(join(tmpdir(), 'omni-openapi-'));
  });
  afterAll(async () => {
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('has exactly the served document’s paths and operations', async () => {
    const out = join(dir, 'openapi.json');
    await promisify(execFile)(process.execPath, [require.resolve('ts-node/dist/bin'), '-T', '-P', 'tsconfig.json', 'scripts/dump-openapi.ts', out], { cwd: join(__dirname, '..') });
    const dumped = JSON.parse(readFileSync(out, 'utf8')) as { paths: Record<string, Record<string, { operationId: string }>> };
    const served = (await t.http().get(API_DOCS.openApiJson).expect(200)).body as typeof dumped;
    const ops = (d: typeof dumped) => Object.entries(d.paths).flatMap(([path, item]) => Object.entries(item).map(([method, op]) => `${method.toUpperCase()} ${path} ${op.operationId}`)).sort();
    expect(ops(dumped)).toEqual(ops(served));
    // The unprefixed routes kept their paths in both (a prefix rule that differed would move them).
    expect(Object.keys(dumped.paths)).toEqual(expect.arrayContaining(['/health', '/metrics']));
    expect(Object.keys(dumped.paths).filter((p) => !p.startsWith('/api/v1/') && !/^\/(health|metrics|webhooks|bind|media)\b/.test(p))).toEqual([]);
  });
});
