import { isDeepStrictEqual } from 'util';
import type { Folder } from '../src/modules/access/permissions';
import { folderCountsSql, folderPageSql } from '../src/modules/folders/folder.query';
import type { Form } from '../src/modules/folders/folder.sql';
import { createChannel, TestChannel } from './support/channels';
import { ActionKind, FolderModel, FolderName, MConv, MMember, mulberry32, RoutingMode } from './support/folder-model';
import { customerSays, newLineUserId } from './support/inbox';
import { createMember, createRole, createUnit, signup } from './support/org-fixture';
import { ProviderStub } from './support/provider-stub';
import { eventually } from './support/queues';
import { presenceOf, startAppWith } from './support/routing';
import { connectInbox, InboxClient, settle } from './support/sockets';
import type { TestApp } from './support/test-app';
import { startTestApp } from './support/test-app';

/**
 * Randomized model-based test of SPEC §3 (folders, order, read-only, acting on a conversation)
 * and §4 (private conversations) against the independent reference model in
 * test/support/folder-model.ts (which imports nothing from src/; its SPEC readings R1–R7 are listed there).
 *
 * Per seed: a random unit tree (up to 4 levels, maxUnitDepth raised to 4), random roles, members
 * across units, two LINE channel accounts with some members scoped to one of them, then random
 * operations. Every operation's HTTP status is predicted by the model; after every operation each
 * member's GET /conversations/:id of the touched conversation (404 / folders / readOnly / status /
 * assignee) is checked, and every FULL_CHECK_EVERY operations (and at the end) every member's
 * GET /folders and every listing they have, in order, following cursors.
 *
 * TIME. Customer messages carry webhook timestamps we choose: one month in the past, one second
 * apart, strictly increasing over the whole run. Everything the server stamps itself (conversation
 * creation, assignment start, agent replies) is stamped "now", so it is later than every customer
 * timestamp, and the stamps follow the order the operations run (requests are sequential; a short
 * pause after each reply keeps millisecond reply stamps distinct). The model therefore uses
 * SERVER_EPOCH + sequence number for server stamps. Consequence, checked by the order assertions:
 * in the "latest of customer message / agent reply" folders a conversation with an agent reply ranks
 * by its last reply, above every conversation without one, which rank by their last customer message;
 * department/subordinates/bound/subordinate_bound rank by the customer timestamps only; done/trash
 * by the server-stamped assignment (or creation, R2) time.
 *
 * ROUTING (Part II, model reading R8). Every member has a socket (available); per seed one or two
 * units route (round robin or least busy), custom roles get a random capacity and channel A a
 * routing unit. Operations add transfers to a unit, presence changes (away / available) and
 * changes of channel A's routing unit; conversations created or reopened by a customer, transferred
 * to a unit, or waiting when a member becomes available or drops below capacity are routed by the
 * model as by the server (after each operation the test waits for the relay, which runs the
 * after-commit routing).
 *
 * Status mismatches where both the model and the server refuse (e.g. 403 expected, 404 answered)
 * leave both states unchanged, so they are collected and the run goes on; each seed then fails
 * on them at the end. Any other disagreement (a state change on one side only, a folder listing,
 * a detail) fails at once. Reproduce with the printed seed.
 */
const SEEDS = [0x5eed01, 20240611, 7777, 31337];
/** FOLDERS_MODEL_OPS overrides it (a shorter run on a loaded machine). */
const OPS_PER_SEED = Number(process.env.FOLDERS_MODEL_OPS ?? 100);
const FULL_CHECK_EVERY = 5;
/** Every form of the folder SQL is checked against the model every this many full checks (and at the end). */
const FORMS_CHECK_EVERY = 2;
const FORMS: Form[] = ['rule', 'narrow', 'wide'];

let customerClock = Date.now() - 30 * 24 * 3600 * 1000;
const nextCustomerTs = () => (customerClock += 1000);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const FOLDER_PERMS = ['unassigned', 'assigned', 'department', 'subordinates', 'bound', 'subordinate_bound', 'previously_handled', 'private', 'done', 'trash'].map((f) => `folder.${f}`);
const CONVERSATION_PERMS: [string, number][] = [
  ['conversation.reply', 0.7], ['conversation.note', 0.6], ['conversation.claim', 0.6], ['conversation.assign', 0.5],
  ['conversation.complete', 0.5], ['conversation.trash', 0.4], ['conversation.private', 0.4], ['conversation.private.view', 0.5],
];
const TOGGLABLE = ['inbox.access', 'folder.all', ...FOLDER_PERMS, ...CONVERSATION_PERMS.map(([p]) => p)];
const ACTION_WEIGHTS: [ActionKind, number][] = [
  ['claim', 10], ['assign', 12], ['transfer', 5], ['complete', 7], ['reopen', 5], ['trash', 5], ['unassign', 5], ['reply', 10], ['note', 6],
];
type OpKind = ActionKind | 'customer' | 'bind' | 'unbind' | 'member' | 'role' | 'presence' | 'routingUnit';
const OP_WEIGHTS: [OpKind, number][] = [['customer', 20], ...ACTION_WEIGHTS, ['bind', 5], ['unbind', 3], ['member', 8], ['role', 3], ['presence', 5], ['routingUnit', 2]];
/** Operations that end the current holding: its member may take waiting work afterwards (R8). */
const ENDS_HOLDING: ActionKind[] = ['assign', 'transfer', 'complete', 'trash', 'unassign'];

describe('folders: randomized model-based check of SPEC §3/§4', () => {
  let t: TestApp;
  let stub: ProviderStub;
  const totals = { ops: 0, statuses: {} as Record<string, number>, mismatches: [] as string[] };

  beforeAll(async () => {
    stub = await new ProviderStub().start(); // replies are delivered to a local LINE stand-in
    t = await startAppWith(startTestApp, { LINE_API_BASE_URL: stub.url }, { listen: true });
  });
  afterAll(async () => {
    console.log(`folders-model: ${totals.ops} operations in total; statuses ${JSON.stringify(totals.statuses)}; ` +
      `${totals.mismatches.length} status mismatch(es)${totals.mismatches.length ? `:\n${totals.mismatches.join('\n')}` : ''}`);
    await t?.close();
    await stub?.stop();
  });

  for (const seed of SEEDS) {
    it(`seed ${seed}: ${OPS_PER_SEED} random operations agree with the reference model`, async () => {
      console.log(`folders-model: running seed ${seed}`);
      const mismatches = await runSeed(seed);
      expect(mismatches).toEqual([]);
    }, 300_000);
  }

  async function runSeed(seed: number): Promise<string[]> {
    const rnd = mulberry32(seed);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
    const chance = (p: number) => rnd() < p;
    const weighted = <T>(ws: [T, number][]): T => {
      let r = rnd() * ws.reduce((s, [, w]) => s + w, 0);
      for (const [k, w] of ws) if ((r -= w) < 0) return k;
      return ws[ws.length - 1][0];
    };
    const hex = (n: number) => Array.from({ length: n }, () => Math.floor(rnd() * 16).toString(16)).join('');
    const model = new FolderModel();
    const labels = new Map<string, string>();
    const label = (id: string | null) => (id === null ? null : (labels.get(id) ?? id));
    const history: string[] = [];
    const mismatches: string[] = [];
    const fail = (msg: string): never => {
      throw new Error(`seed ${seed}: ${msg}\nlast operations:\n  ${history.slice(-12).join('\n  ')}`);
    };
    const same = (ctx: string, actual: unknown, expected: unknown) => {
      if (!isDeepStrictEqual(actual, expected)) fail(`${ctx}\n  expected ${JSON.stringify(expected)}\n  actual   ${JSON.stringify(actual)}`);
    };

    // ---- organisation: unit tree, roles, channels, members ----------------------------------
    const { rootUnitId, admin } = await signup(t, `model ${seed}`);
    const as = (m: { token: string }) => t.as(m.token);
    await as(admin).patch('/api/v1/org', { settings: { maxUnitDepth: 4 } }).expect(200);
    model.units.set(rootUnitId, { id: rootUnitId, parentId: null });
    labels.set(rootUnitId, 'U0');
    const unitCount = 4 + Math.floor(rnd() * 4);
    for (let i = 1; i <= unitCount; i++) {
      const parentId = pick([...model.units.keys()].filter((u) => model.depth(u) < 4));
      const id = await createUnit(t, admin.token, `U${i}`, parentId);
      model.units.set(id, { id, parentId });
      labels.set(id, `U${i}<${label(parentId)}`);
    }
    const unitIds = [...model.units.keys()];

    const catalog: string[] = (await as(admin).get('/api/v1/permissions').expect(200)).body.permissions;
    const roleList: { builtinKey: string | null; id: string; permissions: string[] }[] = (await as(admin).get('/api/v1/roles').expect(200)).body.items;
    const builtin = (key: string) => roleList.find((r) => r.builtinKey === key)!;
    model.roles.set(builtin('administrator').id, new Set(catalog)); // SPEC §1: all permissions
    for (const key of ['supervisor', 'agent']) model.roles.set(builtin(key).id, new Set(builtin(key).permissions));
    labels.set(builtin('supervisor').id, 'Supervisor');
    labels.set(builtin('agent').id, 'Agent');
    const customRoles: string[] = [];
    for (let i = 0; i < 5; i++) {
      // The last custom role lacks inbox.access: its members are never valid assignees (422).
      const perms = i < 4 ? ['inbox.access'] : [];
      for (const p of FOLDER_PERMS) if (chance(0.5)) perms.push(p);
      if (chance(0.1)) perms.push('folder.all');
      for (const [p, pr] of CONVERSATION_PERMS) if (chance(pr)) perms.push(p);
      const id = await createRole(t, admin.token, `R${i}-${seed}`, perms);
      model.roles.set(id, new Set(perms));
      customRoles.push(id);
      labels.set(id, `R${i}`);
    }
    const assignableRoles = [...customRoles.slice(0, 4), builtin('supervisor').id, builtin('agent').id];

    const chA = await createChannel(t, admin.token, 'line', 'line A');
    const chB = await createChannel(t, admin.token, 'line', 'line B');
    const channels = new Map<string, TestChannel>([[chA.id, chA], [chB.id, chB]]);
    labels.set(chA.id, 'A');
    labels.set(chB.id, 'B');
    const randomScope = () => (chance(0.6) ? [] : chance(0.5) ? [chA.id] : [chB.id]);

    const adminM: MMember = { id: admin.id, name: 'admin', token: admin.token, unitId: rootUnitId, roleId: builtin('administrator').id, channels: [] };
    model.members.set(admin.id, adminM);
    labels.set(admin.id, 'admin');
    for (let i = 1; i <= 9; i++) {
      const unitId = pick(unitIds);
      const roleId = i === 9 ? customRoles[4] : pick(assignableRoles);
      const scope = randomScope();
      const a = await createMember(t, admin.token, { name: `m${i}`, unitId, roleId, channelAccountIds: scope });
      model.members.set(a.id, { id: a.id, name: `m${i}`, token: a.token, unitId, roleId, channels: scope });
      labels.set(a.id, `m${i}`);
    }
    const members = [...model.members.values()];
    const others = members.filter((m) => m !== adminM);

    // ---- routing (R8): units that route, capacities, channel A's routing unit, everyone connected ----
    for (const u of unitIds) model.routing.set(u, 'manual');
    for (const u of [pick(unitIds), pick(unitIds)]) {
      const mode: RoutingMode = chance(0.5) ? 'round_robin' : 'least_busy';
      await as(admin).patch(`/api/v1/units/${u}`, { routing: mode }).expect(200);
      model.routing.set(u, mode);
    }
    for (const r of customRoles) {
      const cap = chance(0.4) ? null : 1 + Math.floor(rnd() * 3);
      await as(admin).patch(`/api/v1/roles/${r}`, { maxOpenConversations: cap }).expect(200);
      model.capacity.set(r, cap);
    }
    const setRoutingUnit = async (unitId: string | null) => {
      await as(admin).patch(`/api/v1/channel-accounts/${chA.id}`, { routingUnitId: unitId }).expect(200);
      model.routingUnit.set(chA.id, unitId);
    };
    await setRoutingUnit(chance(0.7) ? pick(unitIds) : null);
    const sockets: InboxClient[] = [];
    for (const m of members) {
      sockets.push(await connectInbox(t.url!, m.token));
      model.presence.set(m.id, 'available');
    }
    for (const m of members) await eventually(async () => (await presenceOf(t, admin.token, m.id)) === 'available');
    await settle(0);
    console.log(`seed ${seed}: routing ${unitIds.filter((u) => model.routing.get(u) !== 'manual').map((u) => `${label(u)}=${model.routing.get(u)}`).join(' ')}; capacity ${customRoles.map((r) => `${label(r)}=${model.capacity.get(r)}`).join(' ')}; channel A routes to ${label(model.routingUnit.get(chA.id) ?? null)}`);
    const describeOrg = () =>
      others.map((m) => `${m.name}@${label(m.unitId)}/${label(m.roleId)}[${m.channels.map(label).join(',') || '*'}]`).join(' ');
    console.log(`seed ${seed}: units ${unitIds.map(label).join(' ')}; roles ${customRoles.map((r) => `${label(r)}={${[...model.roles.get(r)!].join(',')}}`).join(' ')}; members ${describeOrg()}`);

    // ---- checks ------------------------------------------------------------------------------
    const checkDetail = async (m: MMember, c: MConv, ctx: string) => {
      const want = model.foldersOf(m, c);
      const res = await as(m).get(`/api/v1/conversations/${c.id}`);
      const where = `${ctx}: GET /conversations/${label(c.id)} as ${m.name}`;
      if (want.length === 0) return same(where, { status: res.status }, { status: 404 });
      same(
        where,
        { status: res.status, folders: [...(res.body.folders ?? [])].sort(), readOnly: res.body.readOnly, convStatus: res.body.status, assignee: label(res.body.assigneeId) },
        { status: 200, folders: [...want].sort(), readOnly: model.access(m, c) === 'read', convStatus: c.status, assignee: label(c.assigneeId) },
      );
    };

    let listingNo = 0;
    const listFolder = async (m: MMember, f: FolderName): Promise<string[]> => {
      const limit = listingNo++ % 3 === 0 ? 2 : 100; // every third listing walks the cursors two at a time
      const ids: string[] = [];
      let cursor: string | null = null;
      for (let page = 0; page < 200; page++) {
        const q: string = `/api/v1/folders/${f}/conversations?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
        const res = await as(m).get(q);
        if (res.status !== 200) fail(`${q} as ${m.name} → ${res.status} ${JSON.stringify(res.body)}`);
        ids.push(...res.body.items.map((i: { id: string }) => i.id));
        cursor = res.body.nextCursor;
        if (!cursor) return ids;
      }
      return fail(`${f} as ${m.name}: pagination did not end`);
    };

    const checkListings = async (m: MMember, ctx: string) => {
      const avail = model.available(m);
      const res = await as(m).get('/api/v1/folders');
      if (!model.has(m, 'inbox.access')) return same(`${ctx}: GET /folders as ${m.name} (no inbox.access)`, res.status, 403);
      const counts = Object.fromEntries((res.body.items ?? []).map((i: { folder: string; count: number }) => [i.folder, i.count]));
      same(`${ctx}: GET /folders as ${m.name}`, { status: res.status, counts }, { status: 200, counts: Object.fromEntries(avail.map((f) => [f, model.list(m, f).length])) });
      for (const f of avail) {
        same(`${ctx}: folder ${f} as ${m.name} (unit ${label(m.unitId)}, role ${label(m.roleId)})`, (await listFolder(m, f)).map(label), model.list(m, f).map(label));
      }
      if (withForms) await checkForms(m, ctx, avail);
    };

    // The API runs one form per folder, picked by the size of the viewer's unit set; the
    // others must agree too (membership, order, keyset pages, counts), whatever the tree.
    const checkForms = async (m: MMember, ctx: string, folders: FolderName[]) => {
      const [v] = await t.query(`SELECT m.org_id, m.unit_id, u.path, m.channel_account_ids FROM members m JOIN units u ON u.id = m.unit_id WHERE m.id = $1`, [m.id]);
      const params = [v.org_id, m.id, v.path, v.unit_id, v.channel_account_ids];
      const fs = folders as Folder[];
      for (const form of FORMS) {
        const [counts] = await t.query(folderCountsSql(fs, fs.map(() => form)), params);
        for (const [i, f] of fs.entries()) {
          const want = model.list(m, f as FolderName).map(label);
          const ids: string[] = [];
          let last: { sort_key: string; id: string } | null = null;
          for (let page = 0; page < 100; page++) {
            const rows: { id: string; sort_key: string }[] = await t.query(folderPageSql(f, form, last !== null), last ? [...params, 4, last.sort_key, last.id] : [...params, 4]);
            ids.push(...rows.slice(0, 3).map((r) => r.id));
            if (rows.length <= 3) break;
            last = rows[2];
          }
          same(`${ctx}: ${form} form of ${f} as ${m.name} (unit ${label(m.unitId)})`, { count: counts[`f${i}`], ids: ids.map(label) }, { count: want.length, ids: want });
        }
      }
    };
    let withForms = false;
    let fullChecks = 0;

    const checkAllDetailsOf = async (m: MMember, ctx: string) => {
      for (const c of model.convs.values()) await checkDetail(m, c, ctx);
    };

    const record = (ctx: string, expected: number[], res: { status: number; body: { message?: unknown } }): boolean => {
      totals.statuses[res.status] = (totals.statuses[res.status] ?? 0) + 1;
      if (expected.includes(res.status)) return res.status < 300;
      const entry = `seed ${seed} ${ctx}: expected ${expected.join('|')}, got ${res.status} (${JSON.stringify(res.body?.message)})`;
      if (res.status >= 400 && res.status < 500 && expected.every((s) => s >= 400)) {
        mismatches.push(entry);
        totals.mismatches.push(entry);
        console.log(`MISMATCH ${entry}`);
        return false;
      }
      return fail(entry);
    };

    // ---- operations --------------------------------------------------------------------------
    const customerUser = new Map<string, string>(); // customer id → LINE user id
    let convNo = 0;
    for (let step = 0; step < OPS_PER_SEED; step++) {
      totals.ops++;
      const convs = [...model.convs.values()];
      const kind: OpKind = convs.length === 0 ? 'customer' : weighted(OP_WEIGHTS);
      let touched: MConv | null = null;
      let touchedMembers: MMember[] = [];
      let desc = '';

      if (kind === 'customer') {
        const existing = convs.length && chance(0.5) ? pick(convs) : null;
        const ch = existing ? channels.get(existing.channelId)! : pick([chA, chB]);
        const userId = existing ? customerUser.get(existing.customerId)! : newLineUserId();
        const ts = nextCustomerTs();
        const before = existing ? `${existing.status}, assignee ${label(existing.assigneeId)}` : '';
        const { conversationId, customerId } = await customerSays(t, ch, userId, `customer message ${step}`, ts);
        if (existing) {
          same(`step ${step}: the customer's conversation`, conversationId, existing.id);
          const reopens = existing.status !== 'open';
          model.customerMessage(existing, ts);
          if (reopens) model.route(existing);
          touched = existing;
          desc = `customer of ${label(existing.id)} writes on ${label(ch.id)} (was ${before})`;
        } else {
          labels.set(conversationId, `c${++convNo}`);
          customerUser.set(customerId, userId);
          model.newConversation(conversationId, customerId, ch.id, ts);
          touched = model.convs.get(conversationId)!;
          model.route(touched);
          desc = `new customer writes on ${label(ch.id)} → ${label(conversationId)}`;
        }
      } else if (kind === 'bind' || kind === 'unbind') {
        const c = pick(convs);
        touched = c;
        if (kind === 'bind') {
          const unitId = pick(unitIds);
          desc = `admin binds the customer of ${label(c.id)} to ${label(unitId)}`;
          const res = await as(adminM).put(`/api/v1/customers/${c.customerId}/binding`, { unitId });
          if (record(desc, [200], res)) c.boundUnitId = unitId;
        } else {
          desc = `admin unbinds the customer of ${label(c.id)} (bound to ${label(c.boundUnitId)})`;
          const res = await as(adminM).delete(`/api/v1/customers/${c.customerId}/binding`);
          if (record(desc, [200], res)) c.boundUnitId = null;
        }
      } else if (kind === 'presence') {
        const m = pick(members);
        const status = model.presence.get(m.id) === 'away' ? 'available' : 'away';
        desc = `${m.name} sets status ${status}`;
        const res = await as(m).put('/api/v1/me/status', { status });
        if (record(desc, [200], res)) {
          model.presence.set(m.id, status);
          if (status === 'available') model.fill(m.id);
        }
        touchedMembers = [m];
      } else if (kind === 'routingUnit') {
        const unitId = chance(0.2) ? null : pick(unitIds);
        desc = `admin sets channel A's routing unit to ${label(unitId)}`;
        await setRoutingUnit(unitId);
        touchedMembers = members;
      } else if (kind === 'member') {
        const m = pick(others);
        const what = pick(['roleId', 'unitId', 'channelAccountIds'] as const);
        const value =
          what === 'roleId' ? pick([...assignableRoles, customRoles[4]].filter((r) => r !== m.roleId))
          : what === 'unitId' ? pick(unitIds.filter((u) => u !== m.unitId))
          : randomScope();
        desc = `admin sets ${m.name}.${what} = ${Array.isArray(value) ? `[${value.map(label).join(',')}]` : label(value)}`;
        const res = await as(adminM).patch(`/api/v1/members/${m.id}`, { [what]: value });
        if (record(desc, [200], res)) {
          if (what === 'roleId') m.roleId = value as string;
          else if (what === 'unitId') m.unitId = value as string;
          else m.channels = value as string[];
        }
        touchedMembers = [m];
      } else if (kind === 'role') {
        const roleId = pick(customRoles);
        const perms = new Set(model.roles.get(roleId)!);
        const toggled = [pick(TOGGLABLE), pick(TOGGLABLE)];
        for (const p of new Set(toggled)) if (perms.has(p)) perms.delete(p); else perms.add(p);
        desc = `admin toggles ${[...new Set(toggled)].join(', ')} on role ${label(roleId)}`;
        const res = await as(adminM).patch(`/api/v1/roles/${roleId}`, { permissions: [...perms] });
        if (record(desc, [200], res)) model.roles.set(roleId, perms);
        touchedMembers = members.filter((m) => m.roleId === roleId);
      } else {
        const c = pick(convs);
        touched = c;
        const writers = members.filter((m) => model.access(m, c) === 'write');
        const actor = writers.length && chance(0.6) ? pick(writers) : pick(members);
        let targetId: string | undefined;
        if (kind === 'transfer') targetId = pick(unitIds);
        if (kind === 'assign') {
          targetId = chance(0.1) ? `${hex(8)}-${hex(4)}-4${hex(3)}-8${hex(3)}-${hex(12)}` : pick(members.filter((m) => m.id !== c.assigneeId)).id;
        }
        const expected = model.expectAction(kind, actor, c, targetId);
        desc = `${actor.name} ${kind}s ${label(c.id)}${targetId ? ` to ${label(targetId)}` : ''} ` +
          `(${c.status}, assignee ${label(c.assigneeId)}, bound ${label(c.boundUnitId)}, ch ${label(c.channelId)}; ` +
          `actor folders [${model.foldersOf(actor, c).join(',')}])`;
        const path = `/api/v1/conversations/${c.id}`;
        const res =
          kind === 'reply' ? await as(actor).post(`${path}/messages`, { text: `reply ${step}` })
          : kind === 'note' ? await as(actor).post(`${path}/notes`, { text: `note ${step}` })
          : kind === 'assign' ? await as(actor).post(`${path}/assign`, { assigneeId: targetId })
          : kind === 'transfer' ? await as(actor).post(`${path}/assign`, { unitId: targetId })
          : await as(actor).post(`${path}/${kind}`);
        const holder = c.assigneeId;
        if (record(`step ${step}: ${desc}`, expected, res)) {
          model.applyAction(kind, actor, c, targetId);
          if (holder && ENDS_HOLDING.includes(kind) && c.assigneeId !== holder) model.fill(holder);
        }
        if (kind === 'reply') await sleep(3);
      }
      history.push(`step ${step}: ${desc}`);
      // What follows the commit (routing a member who became available or dropped below capacity).
      await settle(0);

      const ctx = `after step ${step} (${desc})`;
      if (touched) for (const m of members) await checkDetail(m, touched, ctx);
      for (const m of touchedMembers) {
        await checkListings(m, ctx);
        await checkAllDetailsOf(m, ctx);
      }
      if ((step + 1) % FULL_CHECK_EVERY === 0) {
        withForms = ++fullChecks % FORMS_CHECK_EVERY === 0;
        for (const m of members) await checkListings(m, ctx);
        withForms = false;
      }
    }

    // ---- end of seed: every listing and every member × conversation detail ----------------------
    // The private folder's sort key and channel account are copies of the conversation's (kept by triggers).
    const stale = await t.query(
      `SELECT p.conversation_id FROM conversation_private_units p JOIN conversations c ON c.id = p.conversation_id
        WHERE c.org_id = (SELECT org_id FROM members WHERE id = $1) AND (p.last_activity_at, p.channel_account_id) IS DISTINCT FROM (c.last_activity_at, c.channel_account_id)`,
      [admin.id],
    );
    same('private units carry their conversation\'s last_activity_at and channel account', stale, []);
    withForms = true;
    for (const m of members) {
      await checkListings(m, `end of seed ${seed}`);
      await checkAllDetailsOf(m, `end of seed ${seed}`);
    }
    sockets.forEach((s) => s.close());
    const byStatus = [...model.convs.values()].reduce<Record<string, number>>((a, c) => ({ ...a, [c.status]: (a[c.status] ?? 0) + 1 }), {});
    const privateConvs = [...model.convs.values()].filter((c) => c.privateUnits.size > 0).length;
    console.log(`seed ${seed}: ${OPS_PER_SEED} operations, ${model.convs.size} conversations ${JSON.stringify(byStatus)}, ${privateConvs} with private messages; final org ${describeOrg()}`);
    return mismatches;
  }
});
