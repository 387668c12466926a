import { readdirSync, readFileSync, statSync, writeFileSync } from 'fs';
import { join } from 'path';
import { parse } from 'yaml';
import { API_DOCS } from '../src/app.docs';
import { asyncApiDocument, asyncApiYaml } from '../src/modules/realtime/realtime.asyncapi';
import { RealtimeEvent } from '../src/modules/realtime/realtime.events';
import { createChannel } from './support/channels';
import { customerSays, newLineUserId } from './support/inbox';
import { Doc, mismatches, Operation, operations, resolve, Schema, successSchema, untyped } from './support/openapi';
import { signup } from './support/org-fixture';
import { AppRoute,appRoutes } from './support/routes';
import { startTestApp, TestApp } from './support/test-app';

/** `/api/v1/units/:id` (Express) → `/api/v1/units/{id}` (OpenAPI). */
const openApiPath = (expressPath: string) => expressPath.replace(/:(\w+)/g, '{$1}');

/**
 * The API description is part of the contract: every operation, including ones added later,
 * must be complete enough for a generated client (docs/api.md). Operations are enumerated from
 * the served document and the routes Nest registered, never from a list kept here.
 */
describe('OpenAPI and AsyncAPI documents', () => {
  let t: TestApp;
  let doc: Doc;
  let ops: Operation[];
  let routes: AppRoute[];
  const report = (problems: string[]) => expect(problems).toEqual([]);

  beforeAll(async () => {
    t = await startTestApp();
    doc = (await t.http().get(API_DOCS.openApiJson).expect(200)).body;
    // OPENAPI_DUMP=/tmp/openapi.json writes the document for a look (or a client generator).
    if (process.env.OPENAPI_DUMP) writeFileSync(process.env.OPENAPI_DUMP, JSON.stringify(doc, null, 2));
    ops = operations(doc);
    routes = appRoutes(t.app);
  });
  afterAll(() => t.close());

  it('serves the document as JSON and YAML and declares bearer auth', async () => {
    expect(ops.length).toBeGreaterThan(50);
    expect(doc.components.securitySchemes).toEqual({ bearer: expect.objectContaining({ type: 'http', scheme: 'bearer' }) });
    const yaml = await t.http().get(API_DOCS.openApiYaml).expect(200);
    expect(parse(yaml.text).paths).toEqual(doc.paths);
  });

  it('documents every authenticated route, and keeps undocumented only public ones (webhooks, the binding landing page)', () => {
    const documented = new Set(ops.map((o) => o.key));
    const missing = routes.filter((r) => !documented.has(`${r.method} ${openApiPath(r.path)}`));
    report(missing.filter((r) => r.rule?.kind !== 'public').map((r) => `${r.method} ${r.path} (${r.controller}.${r.handler}) is not in the document`));
    const served = new Set(routes.map((r) => `${r.method} ${openApiPath(r.path)}`));
    report(ops.filter((o) => !served.has(o.key)).map((o) => `${o.key} is documented but not routed`));
  });

  it('gives every operation a summary and a unique operationId', () => {
    report(ops.filter((o) => typeof o.op.summary !== 'string' || o.op.summary.trim().length < 5).map((o) => `${o.key}: no @ApiOperation({ summary })`));
    const ids = ops.map((o) => o.op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('gives every operation a typed 2xx response (204 excepted) built from named schemas', () => {
    const problems: string[] = [];
    for (const o of ops) {
      const ok = successSchema(o.op);
      if (!ok) {
        problems.push(`${o.key}: no 2xx response`);
        continue;
      }
      if (ok.status === 204) continue;
      if (!ok.schema) {
        problems.push(`${o.key}: ${ok.status} has no schema (use @ApiOkResponse({ type }) / @ApiCreatedResponse({ type }))`);
        continue;
      }
      problems.push(...untyped(doc, ok.schema).map((p) => `${o.key} ${ok.status}: ${p}`));
    }
    report(problems);
  });

  it('types every request body and every DTO property (no empty schemas)', () => {
    const problems: string[] = [];
    for (const o of ops) {
      const body = o.op.requestBody?.content;
      if (!body) continue;
      for (const [type, media] of Object.entries(body as Record<string, { schema?: Schema }>)) {
        problems.push(...untyped(doc, media.schema).map((p) => `${o.key} body (${type}): ${p}`));
      }
    }
    for (const [name, schema] of Object.entries(doc.components.schemas)) {
      problems.push(...untyped(doc, schema, name).map((p) => `components.schemas.${p}`));
    }
    report([...new Set(problems)]);
  });

  it('declares bearer security on every operation that needs a token', () => {
    const problems: string[] = [];
    for (const r of routes) {
      const o = ops.find((x) => x.key === `${r.method} ${openApiPath(r.path)}`);
      if (!o) continue;
      const bearer = (o.op.security ?? []).some((s: Record<string, unknown>) => 'bearer' in s);
      if (r.rule?.kind !== 'public' && !bearer) problems.push(`${o.key}: needs a token but declares no security (@ApiBearerAuth())`);
    }
    report(problems);
  });

  it('documents path parameters, with format uuid on ids and an enum on the folder', () => {
    const problems: string[] = [];
    for (const o of ops) {
      const params = (o.op.parameters ?? []) as { in: string; name: string; schema?: Schema }[];
      const seen = params.map((p) => `${p.in} ${p.name}`);
      if (new Set(seen).size !== seen.length) problems.push(`${o.key}: a parameter is declared twice (${seen.join(', ')})`);
      for (const [, name] of o.path.matchAll(/\{(\w+)\}/g)) {
        const p = params.find((x) => x.in === 'path' && x.name === name);
        if (!p) problems.push(`${o.key}: path parameter ${name} undocumented`);
        else if ((name === 'id' || /Id$/.test(name)) && p.schema?.format !== 'uuid') problems.push(`${o.key}: ${name} lacks format uuid (@ApiUuidParam())`);
        else if (name === 'folder' && !p.schema?.enum?.length) problems.push(`${o.key}: folder lacks its enum`);
      }
    }
    report(problems);
  });

  it('gives every paged list limit and cursor parameters and the { items, nextCursor } envelope', () => {
    const problems: string[] = [];
    let paged = 0;
    for (const o of ops) {
      const ok = successSchema(o.op);
      const props = (resolve(doc, ok?.schema)?.properties ?? {}) as Record<string, Schema>;
      const query = ((o.op.parameters ?? []) as { in: string; name: string; schema?: Schema }[]).filter((p) => p.in === 'query');
      const has = (n: string) => query.find((p) => p.name === n);
      if ('nextCursor' in props) {
        paged++;
        if (!has('limit') || !has('cursor')) problems.push(`${o.key}: paged (nextCursor) but lacks ${['limit', 'cursor'].filter((n) => !has(n)).join(' and ')} (extend PageQueryDto)`);
        if (resolve(doc, props.items)?.type !== 'array') problems.push(`${o.key}: paged but items is not an array`);
        if (has('limit') && has('limit')!.schema?.maximum === undefined) problems.push(`${o.key}: limit has no maximum`);
      } else if (has('cursor')) {
        problems.push(`${o.key}: takes a cursor but its response has no nextCursor`);
      }
    }
    expect(paged).toBeGreaterThanOrEqual(5);
    report(problems);
  });

  it('documents errors with the shared error body, 401 on authenticated operations and 503 everywhere', () => {
    const problems: string[] = [];
    for (const o of ops) {
      for (const [status, res] of Object.entries(o.op.responses as Record<string, any>)) {
        if (Number(status) < 400) continue;
        const schema = res.content?.['application/json']?.schema;
        // /health answers 503 with its own body (which check failed).
        if (schema?.$ref !== '#/components/schemas/ErrorResponseDto' && !o.path.startsWith('/health')) problems.push(`${o.key} ${status}: not ErrorResponseDto`);
      }
      if (o.op.security?.length && !o.op.responses['401']) problems.push(`${o.key}: no 401`);
      if (!o.op.responses['503']) problems.push(`${o.key}: no 503`);
    }
    report(problems);
  });

  it('describes errors as the exception filter sends them', async () => {
    const { admin } = await signup(t);
    const notFound = await t.as(admin.token).get('/api/v1/units/00000000-0000-4000-8000-000000000000').expect(404);
    const invalid = await t.as(admin.token).post('/api/v1/units', { name: '', parentId: 'x', extra: 1 }).expect(400);
    const unauthorized = await t.http().get('/api/v1/me').expect(401);
    const error = doc.components.schemas.ErrorResponseDto;
    for (const res of [notFound, invalid, unauthorized]) report(mismatches(doc, error, res.body));
    expect(Array.isArray(invalid.body.message)).toBe(true);
  });

  it('matches what the server actually returns, field for field', async () => {
    const bodyOf = (key: string, status: number) => {
      const o = ops.find((x) => x.key === key);
      if (!o) throw new Error(`${key} is not documented`);
      return o.op.responses[status]?.content?.['application/json']?.schema as Schema;
    };
    const problems: string[] = [];
    const check = (key: string, res: { status: number; body: unknown }) => problems.push(...mismatches(doc, bodyOf(key, res.status), res.body).map((p) => `${key} ${res.status}: ${p}`));

    const signupRes = await t.http().post('/api/v1/orgs').send({ name: `Docs ${Date.now()}`, adminEmail: `docs-${Date.now()}@example.com`, adminPassword: 'correct-horse-battery', adminName: 'Admin' }).expect(201);
    check('POST /api/v1/orgs', signupRes);
    const token: string = signupRes.body.accessToken;
    const as = t.as(token);
    const line = await createChannel(t, token, 'line');
    const { conversationId, customerId } = await customerSays(t, line, newLineUserId(), '你好，我想問保單');
    const role = await as.get('/api/v1/roles').expect(200);

    const calls: [string, string, () => Promise<{ status: number; body: unknown }>][] = [
      ['GET /api/v1/me', 'me', () => as.get('/api/v1/me')],
      ['GET /api/v1/permissions', 'permissions', () => as.get('/api/v1/permissions')],
      ['GET /api/v1/org', 'org', () => as.get('/api/v1/org')],
      ['GET /api/v1/units', 'units', () => as.get('/api/v1/units')],
      ['POST /api/v1/units', 'unit', () => as.post('/api/v1/units', { name: '中區營業所', parentId: signupRes.body.org.rootUnitId })],
      ['GET /api/v1/roles', 'roles', async () => role],
      ['GET /api/v1/members', 'members', () => as.get('/api/v1/members?limit=1')],
      ['GET /api/v1/members/{id}', 'member', () => as.get(`/api/v1/members/${signupRes.body.member.id}`)],
      ['GET /api/v1/channel-accounts', 'accounts', () => as.get('/api/v1/channel-accounts')],
      ['GET /api/v1/folders', 'folders', () => as.get('/api/v1/folders')],
      ['GET /api/v1/folders/{folder}/conversations', 'folder', () => as.get('/api/v1/folders/unassigned/conversations?limit=5')],
      ['GET /api/v1/conversations/{id}', 'detail', () => as.get(`/api/v1/conversations/${conversationId}`)],
      ['GET /api/v1/conversations/{id}/messages', 'messages', () => as.get(`/api/v1/conversations/${conversationId}/messages`)],
      ['POST /api/v1/conversations/{id}/claim', 'claim', () => as.post(`/api/v1/conversations/${conversationId}/claim`)],
      ['POST /api/v1/conversations/{id}/notes', 'note', () => as.post(`/api/v1/conversations/${conversationId}/notes`, { text: '客戶想改保單地址' })],
      ['GET /api/v1/conversations/{id}/assignments', 'history', () => as.get(`/api/v1/conversations/${conversationId}/assignments`)],
      ['GET /api/v1/customers/{id}', 'customer', () => as.get(`/api/v1/customers/${customerId}`)],
      ['PUT /api/v1/customers/{id}/tags', 'tags', () => as.put(`/api/v1/customers/${customerId}/tags`, { tags: ['VIP'] })],
      ['POST /api/v1/units/{id}/binding-links', 'link', () => as.post(`/api/v1/units/${signupRes.body.org.rootUnitId}/binding-links`, { channelAccountId: line.id })],
      ['GET /api/v1/units/{id}/binding-links', 'links', () => as.get(`/api/v1/units/${signupRes.body.org.rootUnitId}/binding-links`)],
      ['GET /api/v1/notifications', 'notifications', () => as.get('/api/v1/notifications')],
      ['GET /api/v1/push-subscriptions/vapid-public-key', 'vapid', () => as.get('/api/v1/push-subscriptions/vapid-public-key')],
      ['GET /api/v1/audit-logs', 'audit', () => as.get('/api/v1/audit-logs?limit=5')],
      ['GET /health', 'health', () => t.http().get('/health')],
    ];
    for (const [key, , call] of calls) {
      const res = await call();
      if (res.status >= 300) problems.push(`${key}: answered ${res.status} ${JSON.stringify(res.body)}`);
      else check(key, res);
    }
    report(problems);
  });

  describe('AsyncAPI (socket events)', () => {
    const asyncDoc = asyncApiDocument() as {
      asyncapi: string;
      channels: { inbox: { address: string; messages: Record<string, unknown> } };
      operations: Record<string, { action: string; messages: unknown[]; 'x-audience': string }>;
      components: { messages: Record<string, { name: string; payload: { $ref: string } }>; schemas: Record<string, Schema> };
    };
    const names = () => Object.values(asyncDoc.components.messages).map((m) => m.name);

    it('is served as YAML and JSON, public, and docs/asyncapi.yaml is up to date', async () => {
      const yaml = await t.http().get(API_DOCS.asyncApiYaml).expect(200);
      expect(yaml.headers['content-type']).toMatch(/yaml/);
      expect(parse(yaml.text)).toEqual(asyncDoc);
      expect((await t.http().get(API_DOCS.asyncApiJson).expect(200)).body).toEqual(asyncDoc);
      const committed = readFileSync(join(__dirname, '..', 'docs', 'asyncapi.yaml'), 'utf8');
      expect({ file: 'docs/asyncapi.yaml (run npm run docs:asyncapi)', same: committed === asyncApiYaml() }).toEqual({ file: 'docs/asyncapi.yaml (run npm run docs:asyncapi)', same: true });
      expect(asyncDoc.asyncapi).toBe('3.0.0');
      expect(asyncDoc.channels.inbox.address).toBe('/inbox');
    });

    it('describes every event of RealtimeEvent and every event name emitted anywhere in src/', () => {
      const documented = new Set(names());
      report(Object.values(RealtimeEvent).filter((e) => !documented.has(e)).map((e) => `RealtimeEvent '${e}' is not in the AsyncAPI document`));
      // Literal event names handed to emit()/toMembers() outside RealtimeEvent.
      const literal = /(?:\.emit|\.toMembers)\(\s*(?:[^,()]+,\s*)?'([a-z][\w.-]*)'/g;
      const keys = Object.fromEntries(Object.entries(RealtimeEvent));
      const referenced = /RealtimeEvent\.(\w+)/g;
      const problems: string[] = [];
      for (const file of sourceFiles(join(__dirname, '..', 'src'))) {
        const text = readFileSync(file, 'utf8');
        for (const [, name] of text.matchAll(literal)) if (!documented.has(name)) problems.push(`${file}: emits '${name}', not in the AsyncAPI document`);
        for (const [, key] of text.matchAll(referenced)) if (!(key in keys)) problems.push(`${file}: RealtimeEvent.${key} is unknown`);
      }
      report(problems);
    });

    it('gives every event an operation, an audience and a resolvable payload schema', () => {
      const problems: string[] = [];
      for (const [key, m] of Object.entries(asyncDoc.components.messages)) {
        const schema = asyncDoc.components.schemas[m.payload.$ref.replace('#/components/schemas/', '')];
        if (!schema?.properties) problems.push(`${m.name}: payload ${m.payload.$ref} does not resolve`);
        const op = Object.values(asyncDoc.operations).find((o) => JSON.stringify(o.messages).includes(`/messages/${key}"`));
        if (!op || op.action !== 'receive' || !op['x-audience']) problems.push(`${m.name}: no receive operation with an audience`);
      }
      report(problems);
    });

    it('keeps socket payloads in step with their REST schemas', () => {
      const props = (s: Schema | undefined) => Object.keys(resolve(doc, s)?.properties ?? {}).sort();
      const socket = (name: string) => Object.keys(asyncDoc.components.schemas[name].properties).sort();
      const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
      expect(socket('Message')).toEqual(props(ref('MessageDto')));
      expect(socket('Customer')).toEqual(props(ref('CustomerDto')));
      expect(socket('Notification')).toEqual(props(ref('NotificationDto')));
      expect(socket('ConversationUpserted')).toEqual([...props(ref('ConversationSummaryDto')), 'folders'].sort());
      expect(props(ref('AttachmentResponseDto'))).toEqual(expect.arrayContaining(socket('Attachment')));
    });
  });
});

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return sourceFiles(p);
    return /\.ts$/.test(name) && !/\.spec\.ts$/.test(name) ? [p] : [];
  });
}
