import { randomBytes } from 'crypto';
import type request from 'supertest';
import { Permission } from '../src/modules/access/permissions';
import { invitationToken } from '../src/modules/governance/invitation-token';
import { lineEvent, lineWebhook, messengerWebhook, whatsappWebhook } from './fixtures/providers';
import { createChannel, postWebhook, TestChannel } from './support/channels';
import { newLineUserId } from './support/inbox';
import { Actor, createMember, createRole, createUnit, SeedOrg, seedOrg, startTestAppWithEnv, STORE_AGENT_PERMISSIONS, withAppDb } from './support/org-fixture';
import { ProviderStub } from './support/provider-stub';
import { appRoutes } from './support/routes';
import { TestApp } from './support/test-app';

/**
 * Every write route under a pool of 2 connections: for each one, at least 10 requests at once
 * (on different resources, and some on the same one) must each end with an expected status,
 * 2xx, or a 404/409/422 where losing a race makes that the right answer. Never a hang (each
 * request gives up after REQUEST_TIMEOUT_MS and the route fails), never a 500 or 503.
 *
 * A request that holds a transaction's connection and then asks the pool for a second one
 * wedges a small pool once enough such requests are in flight (see ingest-concurrency).
 * The write routes are enumerated from the app itself (test/support/routes.ts, the same source as
 * route-access): a new write route without a scenario here fails the coverage test.
 */

const POOL = 2;
const N = 10;
const SAME = 3;
const REQUEST_TIMEOUT_MS = 20_000;
const SCENARIO_TIMEOUT_MS = 120_000;

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const isWriteRoute = (method: string, path: string) => WRITE_METHODS.has(method) && (path.startsWith('/api/v1/') || path.startsWith('/webhooks/'));

// ---------------------------------------------------------------------------------------------

interface Ctx {
  t: TestApp;
  org: SeedOrg;
  line: TestChannel;
  messenger: TestChannel;
  instagram: TestChannel;
  whatsapp: TestChannel;
}

/** One request of a storm. `group` names requests racing on one resource: at least one of them must succeed. */
interface Shot {
  label: string;
  send: () => request.Test;
  ok: readonly number[];
  group?: string;
}

interface Result {
  shot: Shot;
  status: number | 'TIMEOUT' | string;
  body: unknown;
  ms: number;
}

interface Storm {
  shots: Shot[];
  /** Invariants after the storm (e.g. exactly one claim won); returns failure messages. */
  check?: (results: Result[]) => string[] | Promise<string[]>;
}

type Scenario = (c: Ctx) => Promise<Storm>;

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const tag = () => randomBytes(4).toString('hex');
const is2xx = (s: Result['status']) => typeof s === 'number' && s >= 200 && s < 300;
/** Statuses a request losing a race on the same resource may correctly get, besides the route's success. */
const raced = (success: number) => [success, 404, 409, 422] as const;

/** Sends with a client-side deadline: a hang becomes 'TIMEOUT', never a stuck jest. */
async function fire(shot: Shot): Promise<Result> {
  const started = Date.now();
  try {
    const res = await shot.send().timeout({ deadline: REQUEST_TIMEOUT_MS });
    return { shot, status: res.status, body: res.body, ms: Date.now() - started };
  } catch (e) {
    const err = e as { timeout?: number; message?: string; code?: string };
    return { shot, status: err.timeout ? 'TIMEOUT' : `ERROR ${err.code ?? ''} ${err.message ?? e}`.trim(), body: null, ms: Date.now() - started };
  }
}

/** A setup request: bounded like the storm's, and failing with the route, status and body. */
async function must(req: request.Test, status: number, what: string): Promise<any> {
  try {
    const res = await req.timeout({ deadline: REQUEST_TIMEOUT_MS });
    if (res.status !== status) throw new Error(`setup ${what}: expected ${status}, got ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  } catch (e) {
    const err = e as { timeout?: number; message?: string };
    if (err.timeout) throw new Error(`setup ${what}: no answer within ${REQUEST_TIMEOUT_MS} ms`);
    throw e;
  }
}

/** `n` LINE customers write in through ONE signed webhook; their conversation and customer ids, in order. */
async function newConversations(c: Ctx, n: number, text = 'hello'): Promise<{ conversationId: string; customerId: string; userId: string }[]> {
  const users = range(n).map(() => newLineUserId());
  const body = lineWebhook(c.line.externalId, users.map((userId, i) => lineEvent({ userId, text: `${text} ${i}` })));
  await must(postWebhook(c.t, c.line, body), 200, `POST /webhooks/line (${n} new customers)`);
  const rows = await withAppDb(c.t, async (db) =>
    (
      await db.query<{ external_id: string; conversation_id: string; customer_id: string }>(
        `SELECT cu.external_id, c.id AS conversation_id, cu.id AS customer_id FROM customers cu JOIN conversations c ON c.customer_id = cu.id
          WHERE cu.channel_account_id = $1 AND cu.external_id = ANY($2)`,
        [c.line.id, users],
      )
    ).rows,
  );
  const byUser = new Map(rows.map((r) => [r.external_id, r]));
  return users.map((userId) => {
    const r = byUser.get(userId);
    if (!r) throw new Error(`setup: no conversation for LINE user ${userId}`);
    return { conversationId: r.conversation_id, customerId: r.customer_id, userId };
  });
}

async function assign(c: Ctx, conversationId: string, assignee: Actor): Promise<void> {
  await must(c.t.as(c.org.admin.token).post(`/api/v1/conversations/${conversationId}/assign`, { assigneeId: assignee.id }), 200, 'POST …/assign');
}

/** `n` open conversations assigned to members round-robin. */
async function assignedConversations(c: Ctx, n: number, assignees: Actor[]) {
  const convs = await newConversations(c, n);
  for (const [i, conv] of convs.entries()) await assign(c, conv.conversationId, assignees[i % assignees.length]);
  return convs.map((conv, i) => ({ ...conv, assignee: assignees[i % assignees.length] }));
}

/** `n` canned responses of 台中北屯門市, created by the admin. */
async function cannedResponses(c: Ctx, n: number): Promise<string[]> {
  const prefix = tag();
  const ids: string[] = [];
  for (const i of range(n)) ids.push((await must(c.t.as(c.org.admin.token).post('/api/v1/canned-responses', { shortcode: `${prefix}-${i}`, title: `t${i}`, text: '您好', unitId: c.org.units.beitun }), 201, 'POST /canned-responses')).id);
  return ids;
}

/** Approve or deny: `N` distinct pending requests plus `SAME` decisions at once on one more (decided once → 409). */
async function accessDecisions(c: Ctx, decision: 'approve' | 'deny'): Promise<Storm> {
  await must(c.t.as(c.org.admin.token).patch('/api/v1/org', { settings: { grantQuotaPerDay: 1000 } }), 200, 'PATCH /org grantQuotaPerDay');
  const ids: string[] = [];
  for (const i of range(N + 1)) ids.push((await must(c.t.as(i % 2 ? c.org.winnie.token : c.org.vincent.token).post('/api/v1/access-requests', { permissions: ['folder.done'], durationMinutes: 30, reason: `r${i}` }), 201, 'POST /access-requests')).id);
  const decide = (id: string) => () => c.t.as(c.org.heine.token).post(`/api/v1/access-requests/${id}/${decision}`, {});
  return {
    shots: [
      ...range(N).map((i) => ({ label: `${decision} #${i}`, send: decide(ids[i]), ok: [200] })),
      ...range(SAME).map((i) => ({ label: `${decision} same request #${i}`, send: decide(ids[N]), ok: [200, 409], group: 'same request' })),
    ],
  };
}

const conv = (id: string, action: string) => `/api/v1/conversations/${id}/${action}`;

/** A conversation action on `N` conversations (distinct) plus `SAME` at once on one more. */
function conversationAction(
  action: string,
  prepare: (c: Ctx, n: number) => Promise<{ conversationId: string; actor: Actor; body?: object }[]>,
  same: { exactlyOne?: boolean; body?: (i: number) => object } = {},
): Scenario {
  return async (c) => {
    const targets = await prepare(c, N + 1);
    const shared = targets[N];
    const shots: Shot[] = [
      ...targets.slice(0, N).map((x, i) => ({ label: `${action} #${i}`, send: () => c.t.as(x.actor.token).post(conv(x.conversationId, action), x.body ?? {}), ok: [200] })),
      ...range(SAME).map((i) => ({
        label: `${action} same conversation #${i}`,
        send: () => c.t.as(shared.actor.token).post(conv(shared.conversationId, action), same.body?.(i) ?? shared.body ?? {}),
        ok: raced(200),
        group: 'same conversation',
      })),
    ];
    return {
      shots,
      check: (results) => {
        if (!same.exactlyOne) return [];
        const wins = results.filter((r) => r.shot.group && is2xx(r.status)).length;
        return wins === 1 ? [] : [`${action}: ${wins} of ${SAME} simultaneous requests on one conversation succeeded, expected exactly 1`];
      },
    };
  };
}

// ---------------------------------------------------------------------------------------------
// One scenario per write route, keyed `METHOD /path` exactly as the app routes it.

const SCENARIOS: Record<string, Scenario> = {
  'POST /api/v1/orgs': async (c) => {
    const dup = `dup-${tag()}@example.com`;
    const signup = (email: string, i: number) => () =>
      c.t.http().post('/api/v1/orgs').send({ name: `Storm org ${i} ${tag()}`, adminEmail: email, adminPassword: 'correct-horse-battery', adminName: 'Admin', rootUnitName: '總公司含客服' });
    return {
      shots: [
        ...range(N).map((i) => ({ label: `signup #${i}`, send: signup(`storm-${i}-${tag()}@example.com`, i), ok: [201] })),
        ...range(2).map((i) => ({ label: `signup same email #${i}`, send: signup(dup, 100 + i), ok: raced(201), group: 'same email' })),
      ],
    };
  },

  'POST /api/v1/auth/login': async (c) => {
    const actors = [c.org.admin, c.org.heine, c.org.managerA, c.org.managerB, c.org.winnie];
    return {
      shots: range(N + SAME).map((i) => ({
        label: `login #${i}`,
        send: () => c.t.http().post('/api/v1/auth/login').send({ email: actors[i % actors.length].email, password: 'correct-horse-battery' }),
        ok: [200],
      })),
    };
  },

  'PUT /api/v1/me/status': async (c) => {
    const actors = [c.org.admin, c.org.heine, c.org.managerA, c.org.managerB, c.org.winnie];
    return {
      shots: range(N + SAME).map((i) => ({
        label: `status #${i}`,
        send: () => c.t.as(actors[i % actors.length].token).put('/api/v1/me/status', { status: i % 2 ? 'away' : 'available' }),
        ok: [200],
      })),
    };
  },

  'PATCH /api/v1/org': async (c) => ({
    shots: range(N + SAME).map((i) => ({
      label: `org settings #${i}`,
      send: () =>
        c.t.as(c.org.admin.token).patch('/api/v1/org', i % 3 === 0 ? { name: `Super 8 ${i}` } : i % 3 === 1 ? { settings: { transferTimeoutSeconds: 3600 + i } } : { settings: { timezone: 'Asia/Taipei' } }),
      ok: [200],
    })),
  }),

  'POST /api/v1/units': async (c) => {
    const parents = [c.org.units.hq, c.org.units.central, c.org.units.south];
    const dupName = `同名 ${tag()}`;
    return {
      shots: [
        ...range(N).map((i) => ({ label: `create unit #${i}`, send: () => c.t.as(c.org.admin.token).post('/api/v1/units', { name: `門市 ${i} ${tag()}`, parentId: parents[i % parents.length] }), ok: [201] })),
        ...range(2).map((i) => ({ label: `create same-named sibling #${i}`, send: () => c.t.as(c.org.admin.token).post('/api/v1/units', { name: dupName, parentId: c.org.units.south }), ok: raced(201), group: 'same name' })),
      ],
    };
  },

  'PATCH /api/v1/units/:id': async (c) => {
    const units: string[] = [];
    for (const i of range(N + 1)) units.push(await createUnit(c.t, c.org.admin.token, `待改 ${i} ${tag()}`, c.org.units.south));
    const x = await createUnit(c.t, c.org.admin.token, `X ${tag()}`, c.org.units.hq);
    const y = await createUnit(c.t, c.org.admin.token, `Y ${tag()}`, c.org.units.hq);
    const patch = (id: string, body: object) => () => c.t.as(c.org.admin.token).patch(`/api/v1/units/${id}`, body);
    return {
      shots: [
        ...range(N).map((i) => ({ label: `rename unit #${i}`, send: patch(units[i], { name: `改名 ${i} ${tag()}` }), ok: [200] })),
        ...range(SAME).map((i) => ({ label: `rename same unit #${i}`, send: patch(units[N], { name: `同一 ${i} ${tag()}` }), ok: raced(200), group: 'same unit' })),
        // Two moves that together would make a cycle: one must win, the other must be refused.
        { label: 'move X under Y', send: patch(x, { parentId: y }), ok: raced(200), group: 'cycle' },
        { label: 'move Y under X', send: patch(y, { parentId: x }), ok: raced(200), group: 'cycle' },
      ],
      check: (results) => {
        const wins = results.filter((r) => r.shot.group === 'cycle' && is2xx(r.status)).length;
        return wins === 1 ? [] : [`units: ${wins} of the two crossing moves succeeded, expected exactly 1 (a cycle or neither)`];
      },
    };
  },

  'DELETE /api/v1/units/:id': async (c) => {
    const units: string[] = [];
    for (const i of range(N + 1)) units.push(await createUnit(c.t, c.org.admin.token, `待刪 ${i} ${tag()}`, c.org.units.south));
    const del = (id: string) => () => c.t.as(c.org.admin.token).delete(`/api/v1/units/${id}`);
    return {
      shots: [
        ...range(N).map((i) => ({ label: `delete unit #${i}`, send: del(units[i]), ok: [204] })),
        ...range(SAME).map((i) => ({ label: `delete same unit #${i}`, send: del(units[N]), ok: raced(204), group: 'same unit' })),
      ],
    };
  },

  'POST /api/v1/roles': async (c) => {
    const dup = `同名角色 ${tag()}`;
    const create = (name: string) => () => c.t.as(c.org.admin.token).post('/api/v1/roles', { name, permissions: STORE_AGENT_PERMISSIONS });
    return {
      shots: [
        ...range(N).map((i) => ({ label: `create role #${i}`, send: create(`角色 ${i} ${tag()}`), ok: [201] })),
        ...range(2).map((i) => ({ label: `create same-named role #${i}`, send: create(dup), ok: raced(201), group: 'same name' })),
      ],
    };
  },

  'PATCH /api/v1/roles/:id': async (c) => {
    const roles: string[] = [];
    for (const i of range(N + 1)) roles.push(await createRole(c.t, c.org.admin.token, `待改角色 ${i} ${tag()}`, STORE_AGENT_PERMISSIONS));
    // One of them is held by members, so the change reaches their effective permissions.
    await createMember(c.t, c.org.admin.token, { name: `Holder ${tag()}`, unitId: c.org.units.beitun, roleId: roles[N] });
    const patch = (id: string, body: object) => () => c.t.as(c.org.admin.token).patch(`/api/v1/roles/${id}`, body);
    return {
      shots: [
        ...range(N).map((i) => ({
          label: `patch role #${i}`,
          send: patch(roles[i], i % 2 ? { name: `改名角色 ${i} ${tag()}` } : { permissions: [...STORE_AGENT_PERMISSIONS, Permission.FolderUnassigned] }),
          ok: [200],
        })),
        ...range(SAME).map((i) => ({
          label: `patch same role #${i}`,
          send: patch(roles[N], { permissions: i % 2 ? STORE_AGENT_PERMISSIONS : [...STORE_AGENT_PERMISSIONS, Permission.ConversationClaim] }),
          ok: raced(200),
          group: 'same role',
        })),
      ],
    };
  },

  'DELETE /api/v1/roles/:id': async (c) => {
    const roles: string[] = [];
    for (const i of range(N + 1)) roles.push(await createRole(c.t, c.org.admin.token, `待刪角色 ${i} ${tag()}`, STORE_AGENT_PERMISSIONS));
    const del = (id: string) => () => c.t.as(c.org.admin.token).delete(`/api/v1/roles/${id}`);
    return {
      shots: [
        ...range(N).map((i) => ({ label: `delete role #${i}`, send: del(roles[i]), ok: [204] })),
        ...range(SAME).map((i) => ({ label: `delete same role #${i}`, send: del(roles[N]), ok: raced(204), group: 'same role' })),
      ],
    };
  },

  'POST /api/v1/members': async (c) => {
    const dup = `dup-member-${tag()}@example.com`;
    const create = (email: string, i: number) => () =>
      c.t.as(c.org.admin.token).post('/api/v1/members', {
        email,
        password: 'correct-horse-battery',
        displayName: `Member ${i}`,
        unitId: i % 2 ? c.org.units.beitun : c.org.units.central,
        roleId: i % 2 ? c.org.roles.storeAgent : c.org.roles.regionManager,
      });
    return {
      shots: [
        ...range(N).map((i) => ({ label: `create member #${i}`, send: create(`storm-member-${i}-${tag()}@example.com`, i), ok: [201] })),
        ...range(2).map((i) => ({ label: `create same email #${i}`, send: create(dup, 100 + i), ok: raced(201), group: 'same email' })),
      ],
    };
  },

  'PATCH /api/v1/members/:id': async (c) => {
    const members: Actor[] = [];
    for (const i of range(N + 1)) members.push(await createMember(c.t, c.org.admin.token, { name: `Patchee ${i}`, unitId: c.org.units.beitun, roleId: c.org.roles.storeAgent }));
    const patch = (id: string, body: object) => () => c.t.as(c.org.admin.token).patch(`/api/v1/members/${id}`, body);
    return {
      shots: [
        ...range(N).map((i) => ({
          label: `patch member #${i}`,
          send: patch(
            members[i].id,
            i % 3 === 0 ? { displayName: `Renamed ${i}` } : i % 3 === 1 ? { unitId: c.org.units.central, roleId: c.org.roles.regionManager } : { channelAccountIds: [c.line.id] },
          ),
          ok: [200],
        })),
        ...range(SAME).map((i) => ({ label: `patch same member #${i}`, send: patch(members[N].id, { displayName: `Same ${i}` }), ok: raced(200), group: 'same member' })),
      ],
    };
  },

  'POST /api/v1/members/:id/deactivate': async (c) => {
    // Leavers with an open assigned conversation and a bound customer each; handed over to the two store members.
    const leavers: Actor[] = [];
    for (const i of range(N + 3)) leavers.push(await createMember(c.t, c.org.admin.token, { name: `Leaver ${i}`, unitId: c.org.units.beitun, roleId: c.org.roles.storeAgent }));
    const convs = await newConversations(c, 2 * leavers.length);
    for (const [i, leaver] of leavers.entries()) {
      await assign(c, convs[2 * i].conversationId, leaver);
      await must(c.t.as(c.org.admin.token).put(`/api/v1/customers/${convs[2 * i + 1].customerId}/binding`, { unitId: c.org.units.beitun, memberId: leaver.id }), 200, 'PUT …/binding');
    }
    const deactivate = (leaver: Actor, handover: Actor) => () => c.t.as(c.org.admin.token).post(`/api/v1/members/${leaver.id}/deactivate`, { handoverMemberId: handover.id });
    const [p, q, same] = leavers.slice(N);
    return {
      shots: [
        ...range(N).map((i) => ({ label: `deactivate leaver #${i}`, send: deactivate(leavers[i], i % 2 ? c.org.winnie : c.org.vincent), ok: [200] })),
        ...range(SAME).map((i) => ({ label: `deactivate same leaver #${i}`, send: deactivate(same, c.org.winnie), ok: raced(200), group: 'same leaver' })),
        // Two leavers handing over to each other at once: the second must see the first gone.
        { label: 'deactivate P → Q', send: deactivate(p, q), ok: raced(200), group: 'crossed handover' },
        { label: 'deactivate Q → P', send: deactivate(q, p), ok: raced(200), group: 'crossed handover' },
      ],
      check: (results) => {
        const crossed = results.filter((r) => r.shot.group === 'crossed handover' && is2xx(r.status)).length;
        const sameWins = results.filter((r) => r.shot.group === 'same leaver' && is2xx(r.status)).length;
        return [
          ...(crossed === 1 ? [] : [`deactivate: ${crossed} of two crossed handovers succeeded, expected exactly 1`]),
          ...(sameWins === 1 ? [] : [`deactivate: ${sameWins} of ${SAME} deactivations of one member succeeded, expected exactly 1`]),
        ];
      },
    };
  },

  'POST /api/v1/channel-accounts': async (c) => {
    const dupId = `U${tag()}${'0'.repeat(24)}`;
    const create = (i: number, externalId: string) => () =>
      c.t.as(c.org.admin.token).post('/api/v1/channel-accounts', { type: 'line', name: `LINE ${i}`, externalId, secret: `secret-${i}`, accessToken: `token-${i}`, verifyToken: `verify-${i}` });
    return {
      shots: [
        ...range(N).map((i) => ({ label: `create channel account #${i}`, send: create(i, `U${tag()}${tag()}${'0'.repeat(16)}`), ok: [201] })),
        ...range(2).map((i) => ({ label: `create same external id #${i}`, send: create(100 + i, dupId), ok: raced(201), group: 'same external id' })),
      ],
    };
  },

  'PATCH /api/v1/channel-accounts/:id': async (c) => {
    const accounts: TestChannel[] = [];
    for (const i of range(N + 1)) accounts.push(await createChannel(c.t, c.org.admin.token, i % 2 ? 'messenger' : 'line', `to patch ${i}`));
    const patch = (id: string, body: object) => () => c.t.as(c.org.admin.token).patch(`/api/v1/channel-accounts/${id}`, body);
    return {
      shots: [
        ...range(N).map((i) => ({ label: `patch channel account #${i}`, send: patch(accounts[i].id, { name: `patched ${i}`, secret: `new-secret-${i}` }), ok: [200] })),
        ...range(SAME).map((i) => ({ label: `patch same channel account #${i}`, send: patch(accounts[N].id, { accessToken: `token-${i}` }), ok: raced(200), group: 'same account' })),
      ],
    };
  },

  'DELETE /api/v1/channel-accounts/:id': async (c) => {
    const empty: TestChannel[] = [];
    for (const i of range(N - 3 + 1)) empty.push(await createChannel(c.t, c.org.admin.token, 'line', `to delete ${i}`));
    // Three still have a customer (409), and one member's channel scope names every empty one (updated by each delete) and a busy one.
    const busy: TestChannel[] = [];
    for (const i of range(3)) {
      const ch = await createChannel(c.t, c.org.admin.token, 'line', `busy ${i}`);
      await must(postWebhook(c.t, ch, lineWebhook(ch.externalId, [lineEvent({ userId: newLineUserId(), text: 'hi' })])), 200, 'POST /webhooks/line');
      busy.push(ch);
    }
    // The scope keeps one account that is not deleted: removing a member's last account is refused (409) by design.
    await createMember(c.t, c.org.admin.token, { name: `Scoped ${tag()}`, unitId: c.org.units.beitun, roleId: c.org.roles.storeAgent, channelAccountIds: [...empty.map((e) => e.id), busy[0].id] });
    const del = (id: string) => () => c.t.as(c.org.admin.token).delete(`/api/v1/channel-accounts/${id}`);
    return {
      shots: [
        ...range(N - 3).map((i) => ({ label: `delete empty account #${i}`, send: del(empty[i].id), ok: [204] })),
        ...busy.map((ch, i) => ({ label: `delete account with a customer #${i}`, send: del(ch.id), ok: [409] })),
        ...range(SAME).map((i) => ({ label: `delete same account #${i}`, send: del(empty[N - 3].id), ok: raced(204), group: 'same account' })),
      ],
    };
  },

  'POST /api/v1/units/:id/binding-links': async (c) => {
    const who: [Actor, string, string | undefined][] = [
      [c.org.admin, c.org.units.hq, undefined],
      [c.org.managerA, c.org.units.central, c.org.managerA.id],
      [c.org.managerB, c.org.units.beitun, undefined],
      [c.org.winnie, c.org.units.beitun, c.org.winnie.id],
    ];
    return {
      shots: range(N + SAME).map((i) => {
        const [actor, unitId, memberId] = who[i % who.length];
        return { label: `binding link #${i}`, send: () => c.t.as(actor.token).post(`/api/v1/units/${unitId}/binding-links`, { channelAccountId: c.line.id, memberId }), ok: [201] };
      }),
    };
  },

  'DELETE /api/v1/binding-links/:id': async (c) => {
    const links: string[] = [];
    for (const i of range(N + 1)) {
      const body = await must(c.t.as(c.org.admin.token).post(`/api/v1/units/${i % 2 ? c.org.units.beitun : c.org.units.central}/binding-links`, { channelAccountId: c.line.id }), 201, 'POST …/binding-links');
      links.push(body.id);
    }
    const del = (id: string) => () => c.t.as(c.org.admin.token).delete(`/api/v1/binding-links/${id}`);
    return {
      shots: [
        ...range(N).map((i) => ({ label: `revoke link #${i}`, send: del(links[i]), ok: [204] })),
        ...range(SAME).map((i) => ({ label: `revoke same link #${i}`, send: del(links[N]), ok: raced(204), group: 'same link' })),
      ],
    };
  },

  'PUT /api/v1/customers/:id/binding': async (c) => {
    const convs = await newConversations(c, N + 1);
    const targets: [string, string | undefined][] = [
      [c.org.units.beitun, c.org.winnie.id],
      [c.org.units.central, c.org.managerA.id],
      [c.org.units.south, undefined],
    ];
    const bind = (customerId: string, i: number) => () => {
      const [unitId, memberId] = targets[i % targets.length];
      return c.t.as(c.org.admin.token).put(`/api/v1/customers/${customerId}/binding`, { unitId, memberId });
    };
    return {
      shots: [
        ...range(N).map((i) => ({ label: `bind customer #${i}`, send: bind(convs[i].customerId, i), ok: [200] })),
        ...range(SAME).map((i) => ({ label: `bind same customer #${i}`, send: bind(convs[N].customerId, i), ok: raced(200), group: 'same customer' })),
      ],
    };
  },

  'DELETE /api/v1/customers/:id/binding': async (c) => {
    const convs = await newConversations(c, N + 1);
    for (const x of convs) await must(c.t.as(c.org.admin.token).put(`/api/v1/customers/${x.customerId}/binding`, { unitId: c.org.units.beitun, memberId: c.org.vincent.id }), 200, 'PUT …/binding');
    const unbind = (customerId: string) => () => c.t.as(c.org.admin.token).delete(`/api/v1/customers/${customerId}/binding`);
    return {
      shots: [
        ...range(N).map((i) => ({ label: `unbind customer #${i}`, send: unbind(convs[i].customerId), ok: [200] })),
        ...range(SAME).map((i) => ({ label: `unbind same customer #${i}`, send: unbind(convs[N].customerId), ok: raced(200), group: 'same customer' })),
      ],
    };
  },

  'PATCH /api/v1/customers/:id': async (c) => {
    const convs = await newConversations(c, N + 1);
    const editors = [c.org.admin, c.org.heine];
    const patch = (customerId: string, i: number) => () =>
      c.t.as(editors[i % 2].token).patch(`/api/v1/customers/${customerId}`, { displayName: `客戶 ${i}`, profile: { phone: `09${String(i).padStart(8, '0')}`, note: `VIP ${i}` } });
    return {
      shots: [
        ...range(N).map((i) => ({ label: `patch customer #${i}`, send: patch(convs[i].customerId, i), ok: [200] })),
        ...range(SAME).map((i) => ({ label: `patch same customer #${i}`, send: patch(convs[N].customerId, i), ok: raced(200), group: 'same customer' })),
      ],
    };
  },

  'PUT /api/v1/customers/:id/tags': async (c) => {
    const convs = await newConversations(c, N + 1);
    const editors = [c.org.admin, c.org.heine];
    const put = (customerId: string, i: number) => () => c.t.as(editors[i % 2].token).put(`/api/v1/customers/${customerId}/tags`, { tags: ['VIP', `tag-${i}`] });
    return {
      shots: [
        ...range(N).map((i) => ({ label: `tag customer #${i}`, send: put(convs[i].customerId, i), ok: [200] })),
        ...range(SAME).map((i) => ({ label: `tag same customer #${i}`, send: put(convs[N].customerId, i), ok: raced(200), group: 'same customer' })),
      ],
    };
  },

  'POST /api/v1/conversations/:id/claim': async (c) => {
    const claimers = [c.org.managerA, c.org.managerB, c.org.managerC, c.org.heine, c.org.admin];
    const convs = await newConversations(c, N + 1);
    return {
      shots: [
        ...range(N).map((i) => ({ label: `claim #${i}`, send: () => c.t.as(claimers[i % claimers.length].token).post(conv(convs[i].conversationId, 'claim')), ok: [200] })),
        // Of simultaneous claims on one conversation exactly one wins, the others get 409 (SPEC §9).
        ...claimers.map((m, i) => ({ label: `claim same conversation #${i}`, send: () => c.t.as(m.token).post(conv(convs[N].conversationId, 'claim')), ok: [200, 409], group: 'same conversation' })),
      ],
      check: (results) => {
        const wins = results.filter((r) => r.shot.group && is2xx(r.status)).length;
        return wins === 1 ? [] : [`claim: ${wins} of ${claimers.length} simultaneous claims succeeded, expected exactly 1`];
      },
    };
  },

  'POST /api/v1/conversations/:id/assign': async (c) => {
    const assignees = [c.org.winnie, c.org.vincent, c.org.managerA, c.org.managerB];
    const convs = await newConversations(c, N + 1);
    return {
      shots: [
        ...range(N).map((i) => ({
          label: `assign #${i}`,
          send: () => c.t.as(i % 2 ? c.org.admin.token : c.org.managerA.token).post(conv(convs[i].conversationId, 'assign'), { assigneeId: assignees[i % assignees.length].id, note: `請處理 ${i}` }),
          ok: [200],
        })),
        ...range(SAME).map((i) => ({
          label: `assign same conversation #${i}`,
          send: () => c.t.as(c.org.admin.token).post(conv(convs[N].conversationId, 'assign'), { assigneeId: assignees[i].id, note: `transfer ${i}` }),
          ok: raced(200),
          group: 'same conversation',
        })),
      ],
    };
  },

  'POST /api/v1/conversations/:id/complete': conversationAction(
    'complete',
    async (c, n) => (await assignedConversations(c, n, [c.org.managerA, c.org.winnie])).map((x) => ({ conversationId: x.conversationId, actor: x.assignee === c.org.winnie ? c.org.admin : c.org.managerA })),
    { exactlyOne: true },
  ),

  'POST /api/v1/conversations/:id/reopen': conversationAction(
    'reopen',
    async (c, n) => {
      const convs = await assignedConversations(c, n, [c.org.managerA]);
      for (const x of convs) await must(c.t.as(c.org.managerA.token).post(conv(x.conversationId, 'complete')), 200, 'POST …/complete');
      return convs.map((x, i) => ({ conversationId: x.conversationId, actor: i % 2 ? c.org.admin : c.org.heine }));
    },
    { exactlyOne: true },
  ),

  'POST /api/v1/conversations/:id/trash': conversationAction(
    'trash',
    async (c, n) => {
      const convs = await newConversations(c, n);
      for (const x of convs.filter((_, i) => i % 2)) await assign(c, x.conversationId, c.org.managerB);
      return convs.map((x, i) => ({ conversationId: x.conversationId, actor: i % 2 ? c.org.admin : c.org.heine }));
    },
    { exactlyOne: true },
  ),

  'POST /api/v1/conversations/:id/unassign': conversationAction(
    'unassign',
    async (c, n) => (await assignedConversations(c, n, [c.org.winnie, c.org.managerC])).map((x, i) => ({ conversationId: x.conversationId, actor: i % 2 ? c.org.admin : c.org.managerA })),
    { exactlyOne: true },
  ),

  'POST /api/v1/conversations/:id/messages': async (c) => {
    const convs = await assignedConversations(c, N + 1, [c.org.winnie, c.org.managerA, c.org.vincent]);
    const reply = (x: (typeof convs)[number], i: number) => () => c.t.as(x.assignee.token).post(conv(x.conversationId, 'messages'), { text: `回覆 ${i}` });
    return {
      shots: [
        ...range(N).map((i) => ({ label: `reply #${i}`, send: reply(convs[i], i), ok: [201] })),
        ...range(5).map((i) => ({ label: `reply same conversation #${i}`, send: reply(convs[N], 100 + i), ok: [201], group: 'same conversation' })),
      ],
    };
  },

  'POST /api/v1/conversations/:id/notes': async (c) => {
    // Assigned to manager A: B and C see it in department, heine (HQ) too; each note @mentions some of them.
    const convs = await assignedConversations(c, N + 1, [c.org.managerA]);
    const mentionSets = [[c.org.managerB.id], [c.org.managerB.id, c.org.heine.id], [c.org.managerC.id, c.org.admin.id], []];
    const authors = [c.org.managerA, c.org.admin, c.org.heine];
    const note = (id: string, i: number) => () => c.t.as(authors[i % authors.length].token).post(conv(id, 'notes'), { text: `內部備註 ${i}`, mentionIds: mentionSets[i % mentionSets.length] });
    return {
      shots: [
        ...range(N).map((i) => ({ label: `note #${i}`, send: note(convs[i].conversationId, i), ok: [201] })),
        ...range(5).map((i) => ({ label: `note same conversation #${i}`, send: note(convs[N].conversationId, i), ok: [201], group: 'same conversation' })),
      ],
    };
  },

  // ---- Part II write routes -------------------------------------------------------------------

  'POST /api/v1/attachments': async (c) => {
    const uploaders = [c.org.winnie, c.org.managerA, c.org.admin];
    const upload = (i: number) => () =>
      c.t
        .http()
        .post('/api/v1/attachments')
        .set('Authorization', `Bearer ${uploaders[i % uploaders.length].token}`)
        .attach('file', Buffer.from(`%PDF-1.4 receipt ${i}`), { filename: `receipt-${i}.pdf`, contentType: 'application/pdf' });
    return { shots: range(N + SAME).map((i) => ({ label: `upload #${i}`, send: upload(i), ok: [201] })) };
  },

  'POST /api/v1/grants': async (c) => {
    await must(c.t.as(c.org.admin.token).patch('/api/v1/org', { settings: { grantQuotaPerDay: 1000 } }), 200, 'PATCH /org grantQuotaPerDay');
    const members = [c.org.winnie, c.org.vincent, c.org.managerA, c.org.managerB, c.org.managerC];
    const grant = (i: number) => () => c.t.as(c.org.heine.token).post('/api/v1/grants', { memberId: members[i % members.length].id, permissions: ['folder.done'], durationMinutes: 60, reason: `支援 ${i}` });
    return { shots: range(N + SAME).map((i) => ({ label: `grant #${i}`, send: grant(i), ok: [201] })) };
  },

  'DELETE /api/v1/grants/:id': async (c) => {
    await must(c.t.as(c.org.admin.token).patch('/api/v1/org', { settings: { grantQuotaPerDay: 1000 } }), 200, 'PATCH /org grantQuotaPerDay');
    const ids: string[] = [];
    for (const i of range(N + 1)) {
      ids.push((await must(c.t.as(c.org.heine.token).post('/api/v1/grants', { memberId: i % 2 ? c.org.winnie.id : c.org.vincent.id, permissions: ['folder.done'], durationMinutes: 60, reason: 'x' }), 201, 'POST /grants')).id);
    }
    const revoke = (id: string) => () => c.t.as(c.org.heine.token).delete(`/api/v1/grants/${id}`);
    return {
      shots: [
        ...range(N).map((i) => ({ label: `revoke grant #${i}`, send: revoke(ids[i]), ok: [200] })),
        ...range(SAME).map((i) => ({ label: `revoke same grant #${i}`, send: revoke(ids[N]), ok: [200], group: 'same grant' })),
      ],
    };
  },

  'POST /api/v1/access-requests': async (c) => {
    const askers = [c.org.winnie, c.org.vincent, c.org.managerA];
    const ask = (i: number) => () => c.t.as(askers[i % askers.length].token).post('/api/v1/access-requests', { permissions: ['folder.done'], durationMinutes: 30, reason: `查詢 ${i}` });
    return { shots: range(N + SAME).map((i) => ({ label: `access request #${i}`, send: ask(i), ok: [201] })) };
  },

  'POST /api/v1/access-requests/:id/approve': async (c) => accessDecisions(c, 'approve'),
  'POST /api/v1/access-requests/:id/deny': async (c) => accessDecisions(c, 'deny'),

  'POST /api/v1/me/password': async (c) => {
    const role = c.org.roles.storeAgent;
    const people: Actor[] = [];
    for (const i of range(N + 1)) people.push(await createMember(c.t, c.org.admin.token, { name: `Password ${i} ${tag()}`, unitId: c.org.units.beitun, roleId: role }));
    const change = (a: Actor, i: number) => () => c.t.as(a.token).post('/api/v1/me/password', { currentPassword: 'correct-horse-battery', newPassword: `new-password-${i}` });
    return {
      shots: [
        ...range(N).map((i) => ({ label: `own password #${i}`, send: change(people[i], i), ok: [200] })),
        // The same member at once: one wins; the others' current password is no longer right (401) or they lost the race.
        ...range(SAME).map((i) => ({ label: `same member's password #${i}`, send: change(people[N], 100 + i), ok: [200, 401, 409], group: 'same member' })),
      ],
    };
  },

  'POST /api/v1/invitations': async (c) => {
    const invite = (i: number) => () => c.t.as(c.org.admin.token).post('/api/v1/invitations', { email: `invitee-${i % (N + 1)}-${tag()}@example.com`, unitId: c.org.units.beitun, roleId: c.org.roles.storeAgent });
    return { shots: range(N + SAME).map((i) => ({ label: `invitation #${i}`, send: invite(i), ok: [201] })) };
  },

  'POST /api/v1/invitations/:id/resend': async (c) => {
    const ids: string[] = [];
    for (const i of range(N + 1)) ids.push((await must(c.t.as(c.org.admin.token).post('/api/v1/invitations', { email: `resend-${i}-${tag()}@example.com`, unitId: c.org.units.beitun, roleId: c.org.roles.storeAgent }), 201, 'POST /invitations')).id);
    const resend = (id: string) => () => c.t.as(c.org.admin.token).post(`/api/v1/invitations/${id}/resend`);
    return {
      shots: [
        ...range(N).map((i) => ({ label: `resend #${i}`, send: resend(ids[i]), ok: [200] })),
        // The same invitation at once: each resend renews it under the row lock, none fails.
        ...range(SAME).map((i) => ({ label: `resend same invitation #${i}`, send: resend(ids[N]), ok: [200], group: 'same invitation' })),
      ],
    };
  },

  'POST /api/v1/invitations/:token/accept': async (c) => {
    const tokens: string[] = [];
    for (const i of range(N + 1)) {
      const inv = await must(c.t.as(c.org.admin.token).post('/api/v1/invitations', { email: `joiner-${i}-${tag()}@example.com`, unitId: c.org.units.beitun, roleId: c.org.roles.storeAgent }), 201, 'POST /invitations');
      tokens.push(invitationToken(c.t.env.JWT_SECRET, inv.id));
    }
    const accept = (token: string, i: number) => () => c.t.http().post(`/api/v1/invitations/${token}/accept`).send({ displayName: `Joiner ${i}`, password: `joiner-password-${i}` });
    return {
      shots: [
        ...range(N).map((i) => ({ label: `accept #${i}`, send: accept(tokens[i], i), ok: [201] })),
        ...range(SAME).map((i) => ({ label: `accept same invitation #${i}`, send: accept(tokens[N], 100 + i), ok: [201, 409], group: 'same invitation' })),
      ],
    };
  },

  'POST /api/v1/canned-responses': async (c) => {
    const prefix = tag();
    const create = (i: number) => () =>
      c.t.as(c.org.admin.token).post('/api/v1/canned-responses', { shortcode: `${prefix}-${i < N ? i : 'same'}`, title: `回覆 ${i}`, text: '您好,請稍候', unitId: c.org.units.beitun });
    return {
      shots: [
        ...range(N).map((i) => ({ label: `canned #${i}`, send: create(i), ok: [201] })),
        ...range(SAME).map((i) => ({ label: `same shortcode #${i}`, send: create(N + i), ok: [201, 409], group: 'same shortcode' })),
      ],
    };
  },

  'PATCH /api/v1/canned-responses/:id': async (c) => {
    const ids = await cannedResponses(c, N + 1);
    const edit = (id: string, i: number) => () => c.t.as(c.org.admin.token).patch(`/api/v1/canned-responses/${id}`, { text: `改過的回覆 ${i}` });
    return {
      shots: [
        ...range(N).map((i) => ({ label: `edit canned #${i}`, send: edit(ids[i], i), ok: [200] })),
        ...range(SAME).map((i) => ({ label: `edit same canned #${i}`, send: edit(ids[N], 100 + i), ok: [200], group: 'same canned' })),
      ],
    };
  },

  'DELETE /api/v1/canned-responses/:id': async (c) => {
    const ids = await cannedResponses(c, N + 1);
    const del = (id: string) => () => c.t.as(c.org.admin.token).delete(`/api/v1/canned-responses/${id}`);
    return {
      shots: [
        ...range(N).map((i) => ({ label: `delete canned #${i}`, send: del(ids[i]), ok: [204] })),
        ...range(SAME).map((i) => ({ label: `delete same canned #${i}`, send: del(ids[N]), ok: raced(204), group: 'same canned' })),
      ],
    };
  },

  'DELETE /api/v1/customers/:id': async (c) => {
    const convs = await newConversations(c, N + 1, '請刪除我的資料');
    const erase = (customerId: string) => () => c.t.as(c.org.admin.token).delete(`/api/v1/customers/${customerId}`);
    return {
      shots: [
        ...range(N).map((i) => ({ label: `erase customer #${i}`, send: erase(convs[i].customerId), ok: [200] })),
        ...range(SAME).map((i) => ({ label: `erase same customer #${i}`, send: erase(convs[N].customerId), ok: raced(200), group: 'same customer' })),
      ],
    };
  },

  'POST /api/v1/admin/failed-deliveries/:messageId/retry': async (c) => {
    const convs = await assignedConversations(c, N + 1, [c.org.managerA]);
    const ids: string[] = [];
    for (const x of convs) ids.push((await must(c.t.as(c.org.managerA.token).post(conv(x.conversationId, 'messages'), { text: '稍後回覆' }), 201, 'POST …/messages')).id);
    await withAppDb(c.t, (db) => db.query(`UPDATE messages SET status = 'failed', failed_at = now(), error = 'provider down' WHERE id = ANY($1::uuid[])`, [ids]));
    const retry = (id: string) => () => c.t.as(c.org.admin.token).post(`/api/v1/admin/failed-deliveries/${id}/retry`);
    return {
      shots: [
        ...range(N).map((i) => ({ label: `retry #${i}`, send: retry(ids[i]), ok: [200, 201] })),
        ...range(SAME).map((i) => ({ label: `retry same message #${i}`, send: retry(ids[N]), ok: [200, 201, 409], group: 'same message' })),
      ],
    };
  },

  'POST /api/v1/notifications/:id/read': async (c) => {
    const [x] = await assignedConversations(c, 1, [c.org.managerA]);
    for (const i of range(N + 1)) {
      await must(c.t.as(c.org.admin.token).post(conv(x.conversationId, 'notes'), { text: `@C ${i}`, mentionIds: [c.org.managerC.id] }), 201, 'POST …/notes');
    }
    let ids: string[] = [];
    for (let attempt = 0; attempt < 100 && ids.length < N + 1; attempt++) {
      const page = await must(c.t.as(c.org.managerC.token).get('/api/v1/notifications?limit=100'), 200, 'GET /api/v1/notifications');
      ids = page.items.filter((n: { type: string; readAt?: string | null; payload?: { conversationId?: string } }) => n.payload?.conversationId === x.conversationId).map((n: { id: string }) => n.id);
      if (ids.length < N + 1) await new Promise((r) => setTimeout(r, 50));
    }
    if (ids.length < N + 1) throw new Error(`setup: manager C has ${ids.length} mention notifications, expected ${N + 1}`);
    const read = (id: string) => () => c.t.as(c.org.managerC.token).post(`/api/v1/notifications/${id}/read`);
    return {
      shots: [
        ...range(N).map((i) => ({ label: `read notification #${i}`, send: read(ids[i]), ok: [200] })),
        ...range(SAME).map((i) => ({ label: `read same notification #${i}`, send: read(ids[N]), ok: [200], group: 'same notification' })),
      ],
    };
  },

  'POST /api/v1/push-subscriptions': async (c) => {
    const members = [c.org.admin, c.org.managerA, c.org.winnie];
    const endpoint = (s: string) => `https://push.example.test/${s}`;
    const keys = { p256dh: `BP${tag()}${tag()}`, auth: `a${tag()}` };
    const same = endpoint(`same-${tag()}`);
    return {
      shots: [
        ...range(N).map((i) => ({ label: `subscribe #${i}`, send: () => c.t.as(members[i % members.length].token).post('/api/v1/push-subscriptions', { endpoint: endpoint(`${i}-${tag()}`), keys }), ok: [201] })),
        ...range(SAME).map((i) => ({ label: `subscribe same endpoint #${i}`, send: () => c.t.as(c.org.managerB.token).post('/api/v1/push-subscriptions', { endpoint: same, keys }), ok: [201], group: 'same endpoint' })),
      ],
    };
  },

  'DELETE /api/v1/push-subscriptions': async (c) => {
    const endpoints = range(N + 1).map((i) => `https://push.example.test/bye-${i}-${tag()}`);
    for (const e of endpoints) await must(c.t.as(c.org.heine.token).post('/api/v1/push-subscriptions', { endpoint: e, keys: { p256dh: `BP${tag()}`, auth: `a${tag()}` } }), 201, 'POST /api/v1/push-subscriptions');
    const del = (endpoint: string) => () => c.t.http().delete('/api/v1/push-subscriptions').set('Authorization', `Bearer ${c.org.heine.token}`).send({ endpoint });
    return {
      shots: [
        ...range(N).map((i) => ({ label: `unsubscribe #${i}`, send: del(endpoints[i]), ok: [204] })),
        ...range(SAME).map((i) => ({ label: `unsubscribe same endpoint #${i}`, send: del(endpoints[N]), ok: [204], group: 'same endpoint' })),
      ],
    };
  },

  'POST /webhooks/line/:channelAccountId': async (c) => {
    // 25 at once: 10 new customers, 10 customers whose conversations are assigned, 5 redeliveries of the new ones' events.
    const existing = await assignedConversations(c, 10, [c.org.winnie, c.org.managerA]);
    const run = tag();
    const fresh = range(10).map((i) => lineEvent({ userId: newLineUserId(), text: `storm ${run} new ${i}` }));
    const again = existing.map((x, i) => lineEvent({ userId: x.userId, text: `storm ${run} again ${i}` }));
    const redelivered = fresh.slice(0, 5).map((e) => ({ ...e, deliveryContext: { isRedelivery: true } }));
    const send = (event: Record<string, unknown>) => () => postWebhook(c.t, c.line, lineWebhook(c.line.externalId, [event]));
    return {
      shots: [
        ...fresh.map((e, i) => ({ label: `LINE new customer #${i}`, send: send(e), ok: [200] })),
        ...again.map((e, i) => ({ label: `LINE assigned conversation #${i}`, send: send(e), ok: [200] })),
        ...redelivered.map((e, i) => ({ label: `LINE redelivery #${i}`, send: send(e), ok: [200], group: `redelivery ${i}` })),
      ],
      check: async () => {
        const [row] = await withAppDb(c.t, async (db) => (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM messages WHERE text LIKE $1`, [`storm ${run} %`])).rows);
        return row.n === 20 ? [] : [`LINE webhooks: ${row.n} messages stored for 20 distinct events (redeliveries must be no-ops)`];
      },
    };
  },

  'POST /webhooks/messenger/:channelAccountId': async (c) => metaStorm(c, c.messenger, 'page'),
  'POST /webhooks/instagram/:channelAccountId': async (c) => metaStorm(c, c.instagram, 'instagram'),

  'POST /webhooks/whatsapp/:channelAccountId': async (c) => {
    const run = Date.now().toString().slice(-7);
    const same = `88690${run}99`;
    const send = (from: string, i: number) => () => postWebhook(c.t, c.whatsapp, whatsappWebhook(c.whatsapp.externalId, { messages: [{ from, text: `wa ${i}`, name: `WA ${i}` }] }));
    return {
      shots: [
        ...range(N).map((i) => ({ label: `WhatsApp new customer #${i}`, send: send(`88690${run}${String(i).padStart(2, '0')}`, i), ok: [200] })),
        ...range(SAME).map((i) => ({ label: `WhatsApp same new customer #${i}`, send: send(same, 100 + i), ok: [200], group: 'same customer' })),
      ],
    };
  },
};

async function metaStorm(c: Ctx, ch: TestChannel, object: 'page' | 'instagram'): Promise<Storm> {
  const run = `${Date.now()}${Math.floor(Math.random() * 1000)}`;
  const same = `${run}99`;
  const send = (psid: string, i: number) => () => postWebhook(c.t, ch, messengerWebhook(ch.externalId, [{ psid, text: `${object} ${i}` }], object));
  return {
    shots: [
      ...range(N).map((i) => ({ label: `${ch.type} new customer #${i}`, send: send(`${run}${String(i).padStart(2, '0')}`, i), ok: [200] })),
      ...range(SAME).map((i) => ({ label: `${ch.type} same new customer #${i}`, send: send(same, 100 + i), ok: [200], group: 'same customer' })),
    ],
  };
}

// ---------------------------------------------------------------------------------------------

describe(`every write route under a pool of ${POOL} connections`, () => {
  let stub: ProviderStub;
  let ctx: Ctx;
  let setupError: Error | null = null;
  const summary: string[] = [];

  beforeAll(async () => {
    stub = await new ProviderStub().start();
    const t = await startTestAppWithEnv({ DATABASE_POOL_SIZE: String(POOL), LINE_API_BASE_URL: stub.url, GRAPH_API_BASE_URL: stub.url, OUTBOUND_BACKOFF_MS: '20' });
    try {
      const org = await seedOrg(t);
      ctx = {
        t,
        org,
        line: await createChannel(t, org.admin.token, 'line'),
        messenger: await createChannel(t, org.admin.token, 'messenger'),
        instagram: await createChannel(t, org.admin.token, 'instagram'),
        whatsapp: await createChannel(t, org.admin.token, 'whatsapp'),
      };
    } catch (e) {
      setupError = e as Error;
      ctx = { t } as Ctx;
    }
  }, SCENARIO_TIMEOUT_MS);

  afterAll(async () => {
    if (summary.length) console.log(`write routes under a pool of ${POOL}:\n${summary.join('\n')}`);
    // A request still stuck server-side must not keep jest waiting for ever either.
    if (ctx?.t) {
      const started = Date.now();
      const closed = await Promise.race([ctx.t.close().then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 30_000).unref())]);
      if (!closed) console.warn(`app.close() had not finished after ${Date.now() - started} ms: something still holds the app open`);
    }
    await stub?.stop();
  }, 60_000);

  it('has a concurrency scenario for every write route the app serves (and none for a route that is gone)', () => {
    const writes = appRoutes(ctx.t.app)
      .filter((r) => isWriteRoute(r.method, r.path))
      .map((r) => `${r.method} ${r.path}`);
    expect(writes.length).toBeGreaterThan(30);
    expect(writes.filter((k) => !SCENARIOS[k])).toEqual([]);
    expect(Object.keys(SCENARIOS).filter((k) => !writes.includes(k))).toEqual([]);
  });

  it.each(Object.keys(SCENARIOS))(
    '%s: simultaneous requests all answer as expected, none hangs, none 500/503',
    async (route) => {
      if (setupError) throw new Error(`the seed organisation could not be built with a pool of ${POOL}: ${setupError.message}`);
      const started = Date.now();
      let storm: Storm;
      try {
        storm = await SCENARIOS[route](ctx);
      } catch (e) {
        summary.push(`  SETUP FAILED  ${route}: ${(e as Error).message}`);
        throw e;
      }
      expect(storm.shots.length).toBeGreaterThanOrEqual(N);

      const results = await Promise.all(storm.shots.map(fire));

      const failures = results
        .filter((r) => typeof r.status !== 'number' || !r.shot.ok.includes(r.status))
        .map((r) => `${r.shot.label} -> ${r.status} after ${r.ms} ms${r.body ? ` ${JSON.stringify(r.body).slice(0, 200)}` : ''}`);
      const groups = [...new Set(results.map((r) => r.shot.group).filter((g): g is string => !!g))];
      for (const g of groups) {
        if (!results.some((r) => r.shot.group === g && is2xx(r.status))) failures.push(`${g}: none of the racing requests succeeded`);
      }
      if (failures.length === 0 && storm.check) failures.push(...(await storm.check(results)));

      const statuses = results.reduce<Record<string, number>>((acc, r) => ((acc[String(r.status)] = (acc[String(r.status)] ?? 0) + 1), acc), {});
      const slowest = Math.max(...results.map((r) => r.ms));
      summary.push(`  ${failures.length ? 'FAIL' : 'ok  '}  ${route}: ${results.length} requests ${JSON.stringify(statuses)}, slowest ${slowest} ms (setup+storm ${Date.now() - started} ms)`);
      expect(failures).toEqual([]);
    },
    SCENARIO_TIMEOUT_MS,
  );

  it('still answers /health and /me after the storm, with no connection left idle in a transaction', async () => {
    if (setupError) throw setupError;
    const health = await fire({ label: 'GET /health', send: () => ctx.t.http().get('/health'), ok: [200] });
    expect({ route: 'GET /health', status: health.status }).toEqual({ route: 'GET /health', status: 200 });
    for (const actor of [ctx.org.admin, ctx.org.managerA, ctx.org.winnie]) {
      const me = await fire({ label: 'GET /api/v1/me', send: () => ctx.t.as(actor.token).get('/api/v1/me'), ok: [200] });
      expect({ route: 'GET /api/v1/me', status: me.status }).toEqual({ route: 'GET /api/v1/me', status: 200 });
    }
    // Background jobs (profile fetches after the storm's webhooks) may be between two statements of
    // a transaction at any instant: stuck means still idle in the same transaction a few seconds on.
    const idleInTransaction = () =>
      withAppDb(ctx.t, async (db) =>
        (await db.query(`SELECT pid, xact_start, query FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND state LIKE 'idle in transaction%'`)).rows,
      );
    const first = await idleInTransaction();
    await new Promise((r) => setTimeout(r, 3000));
    const later = await idleInTransaction();
    const stuck = later.filter((l) => first.some((f) => f.pid === l.pid && String(f.xact_start) === String(l.xact_start)));
    expect(stuck).toEqual([]);
  }, SCENARIO_TIMEOUT_MS);
});
