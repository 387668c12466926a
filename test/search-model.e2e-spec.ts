import { createChannel, TestChannel } from './support/channels';
import { ActionKind, FolderModel, FolderName, MConv, MMember, mulberry32 } from './support/folder-model';
import { customerSays, newLineUserId } from './support/inbox';
import { createMember, createRole, createUnit, signup, startTestAppWithEnv } from './support/org-fixture';
import { ProviderStub } from './support/provider-stub';
import type { TestApp } from './support/test-app';

/**
 * Randomized model-based check of search (SPEC §15) against the independent reference model of
 * SPEC §3/§4 in test/support/folder-model.ts: for random org trees, roles, channel scopes and
 * operations, each member's `GET /search?q` (walking the cursor) returns exactly the
 * conversations the model says the member can read whose customer name, or one of whose messages
 * the member may read in full (not private, or private with conversation.private.view), contains
 * q case-insensitively; with `folder`, only those in that folder of the member's. Items come
 * newest first (message time, or last activity for a name match), each conversation once, and
 * a message item's text contains q and is not redacted.
 *
 * The model only follows operations both sides agree on: an operation the server refuses while
 * the model expected success (or the reverse) is logged and skipped (the folder model test is
 * where statuses are checked); nothing the server accepted is left out of the model.
 */
const SEEDS = [0x5ea2c4, 424242];
const OPS_PER_SEED = 60;
const CHECK_EVERY = 12;
/** Words of messages and notes: CJK without word breaks, Latin in mixed case. */
const WORDS = ['北屯', '門市', '台中', '預約', '取貨', '會員卡', 'Order', 'order', 'REFUND', 'Refund', 'hello'];
/** Queries: 1, 2, 3, 4 CJK characters, Latin in other cases, and one that matches customer names ("Customer …"). */
const QUERIES = ['屯', '北屯', '會員卡', '北屯門市', '台中北屯', 'ORDER', 'refund', 'Hello', 'mer', '預約取貨'];
const PERMS = [
  'folder.unassigned', 'folder.assigned', 'folder.department', 'folder.subordinates', 'folder.bound', 'folder.subordinate_bound',
  'folder.previously_handled', 'folder.private', 'folder.done', 'folder.trash',
  'conversation.reply', 'conversation.note', 'conversation.claim', 'conversation.assign', 'conversation.complete', 'conversation.trash',
  'conversation.private', 'conversation.private.view',
];

interface MMessage { text: string; private: boolean }
interface SearchHit {
  conversation: { id: string; lastActivityAt: string };
  message: { conversationId: string; text: string | null; redacted: boolean; createdAt: string } | null;
  snippet: string;
}

let customerClock = Date.now() - 20 * 24 * 3600 * 1000;
const nextCustomerTs = () => (customerClock += 1000);

describe('search: randomized model-based check against the folder model', () => {
  let t: TestApp;
  let stub: ProviderStub;

  beforeAll(async () => {
    stub = await new ProviderStub().start();
    t = await startTestAppWithEnv({ LINE_API_BASE_URL: stub.url });
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await stub?.stop();
  });

  for (const seed of SEEDS) {
    it(`seed ${seed}: every member's search results equal the model's readable conversations containing the text`, async () => {
      await runSeed(seed);
    }, 600_000);
  }

  async function runSeed(seed: number): Promise<void> {
    const rnd = mulberry32(seed);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
    const chance = (p: number) => rnd() < p;
    const model = new FolderModel();
    const messages = new Map<string, MMessage[]>();
    const customerName = new Map<string, string>();
    const history: string[] = [];
    const fail = (msg: string): never => {
      throw new Error(`seed ${seed}: ${msg}\nlast operations:\n  ${history.slice(-10).join('\n  ')}`);
    };

    // ---- organisation ------------------------------------------------------------------------
    const { rootUnitId, admin } = await signup(t, `search model ${seed}`);
    const as = (m: { token: string }) => t.as(m.token);
    await as(admin).patch('/api/v1/org', { settings: { maxUnitDepth: 4 } }).expect(200);
    model.units.set(rootUnitId, { id: rootUnitId, parentId: null });
    for (let i = 1; i <= 4 + Math.floor(rnd() * 3); i++) {
      const parentId = pick([...model.units.keys()].filter((u) => model.depth(u) < 4));
      const id = await createUnit(t, admin.token, `S${i}`, parentId);
      model.units.set(id, { id, parentId });
    }
    const unitIds = [...model.units.keys()];

    const catalog: string[] = (await as(admin).get('/api/v1/permissions').expect(200)).body.permissions;
    const roleList: { builtinKey: string | null; id: string; permissions: string[] }[] = (await as(admin).get('/api/v1/roles').expect(200)).body.items;
    const adminRole = roleList.find((r) => r.builtinKey === 'administrator')!.id;
    model.roles.set(adminRole, new Set(catalog));
    const roles: string[] = [];
    for (let i = 0; i < 4; i++) {
      const perms = ['inbox.access', ...PERMS.filter(() => chance(0.55))];
      if (chance(0.1)) perms.push('folder.all');
      const id = await createRole(t, admin.token, `SR${i}-${seed}`, perms);
      model.roles.set(id, new Set(perms));
      roles.push(id);
    }
    const chA = await createChannel(t, admin.token, 'line', 'line A');
    const chB = await createChannel(t, admin.token, 'line', 'line B');
    const channels = new Map<string, TestChannel>([[chA.id, chA], [chB.id, chB]]);
    const randomScope = () => (chance(0.7) ? [] : [pick([chA.id, chB.id])]);
    const adminM: MMember = { id: admin.id, name: 'admin', token: admin.token, unitId: rootUnitId, roleId: adminRole, channels: [] };
    model.members.set(admin.id, adminM);
    for (let i = 1; i <= 7; i++) {
      const unitId = pick(unitIds);
      const roleId = pick(roles);
      const scope = randomScope();
      const a = await createMember(t, admin.token, { name: `s${i}`, unitId, roleId, channelAccountIds: scope });
      model.members.set(a.id, { id: a.id, name: `s${i}`, token: a.token, unitId, roleId, channels: scope });
    }
    const members = [...model.members.values()];
    const others = members.filter((m) => m !== adminM);

    // ---- the model's answer and the server's ----------------------------------------------------
    const contains = (text: string, q: string) => text.toLowerCase().includes(q.toLowerCase());
    const expected = (m: MMember, q: string, folder?: FolderName): string[] =>
      [...model.convs.values()]
        .filter((c) => {
          const fs = model.foldersOf(m, c);
          if (fs.length === 0 || (folder && !fs.includes(folder))) return false;
          if (contains(customerName.get(c.customerId)!, q)) return true;
          const seesPrivate = model.has(m, 'conversation.private.view');
          return messages.get(c.id)!.some((msg) => (!msg.private || seesPrivate) && contains(msg.text, q));
        })
        .map((c) => c.id)
        .sort();

    const searchAll = async (m: MMember, q: string, folder?: FolderName): Promise<SearchHit[]> => {
      const limit = chance(0.3) ? 2 : 100;
      const hits: SearchHit[] = [];
      let cursor: string | null = null;
      for (let page = 0; page < 100; page++) {
        const url: string = `/api/v1/search?q=${encodeURIComponent(q)}&limit=${limit}${folder ? `&folder=${folder}` : ''}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
        const res = await as(m).get(url);
        if (res.status !== 200) fail(`${url} as ${m.name} → ${res.status} ${JSON.stringify(res.body)}`);
        hits.push(...res.body.items);
        cursor = res.body.nextCursor;
        if (!cursor) return hits;
      }
      return fail('search pagination did not end');
    };

    let searches = 0;
    const check = async (ctx: string) => {
      for (const m of members) {
        if (!model.has(m, 'inbox.access')) continue;
        for (const q of [pick(QUERIES), pick(QUERIES)]) {
          const folder = chance(0.3) && model.available(m).length ? pick(model.available(m)) : undefined;
          const hits = await searchAll(m, q, folder);
          searches++;
          const where = `${ctx}: search '${q}'${folder ? ` in ${folder}` : ''} as ${m.name} (unit depth ${model.depth(m.unitId)}, perms ${[...model.roles.get(m.roleId)!].join(',')}, scope ${m.channels.length})`;
          const ids = hits.map((h) => h.conversation.id);
          if (new Set(ids).size !== ids.length) fail(`${where}: a conversation listed twice`);
          const want = expected(m, q, folder);
          if (JSON.stringify([...ids].sort()) !== JSON.stringify(want)) {
            fail(`${where}\n  expected ${want.length}: ${want.join(' ')}\n  actual   ${ids.length}: ${[...ids].sort().join(' ')}`);
          }
          let prev = Infinity;
          for (const h of hits) {
            if (h.message) {
              if (h.message.redacted || h.message.text === null || !contains(h.message.text, q) || h.message.conversationId !== h.conversation.id) {
                fail(`${where}: message hit ${JSON.stringify(h.message)} does not show q`);
              }
            } else if (!contains(customerName.get(model.convs.get(h.conversation.id)!.customerId)!, q)) {
              fail(`${where}: name hit for a customer whose name lacks q`);
            }
            const at = Date.parse(h.message ? h.message.createdAt : h.conversation.lastActivityAt);
            if (at > prev) fail(`${where}: not newest first`);
            prev = at;
          }
        }
      }
    };

    // ---- operations --------------------------------------------------------------------------
    const customerUser = new Map<string, string>();
    const sentence = () => Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => pick(WORDS)).join(chance(0.5) ? '' : ' ');
    const ACTIONS: [ActionKind | 'customer' | 'bind' | 'unbind' | 'member', number][] = [
      ['customer', 30], ['reply', 12], ['note', 10], ['claim', 8], ['assign', 10], ['complete', 5], ['trash', 3], ['reopen', 4],
      ['unassign', 4], ['bind', 5], ['unbind', 2], ['member', 4],
    ];
    const weighted = () => {
      let r = rnd() * ACTIONS.reduce((s, [, w]) => s + w, 0);
      for (const [k, w] of ACTIONS) if ((r -= w) < 0) return k;
      return ACTIONS[0][0];
    };
    let skipped = 0;
    for (let step = 0; step < OPS_PER_SEED; step++) {
      const convs = [...model.convs.values()];
      const kind = convs.length === 0 ? 'customer' : weighted();
      let desc = '';
      if (kind === 'customer') {
        const existing: MConv | null = convs.length && chance(0.5) ? pick(convs) : null;
        const ch = existing ? channels.get(existing.channelId)! : pick([chA, chB]);
        const userId = existing ? customerUser.get(existing.customerId)! : newLineUserId();
        const text = sentence();
        const ts = nextCustomerTs();
        const { conversationId, customerId } = await customerSays(t, ch, userId, text, ts);
        if (existing) {
          if (conversationId !== existing.id) fail(`customer of ${existing.id} landed in ${conversationId}`);
          messages.get(existing.id)!.push({ text, private: existing.status === 'open' && model.privacy(existing, null).private });
          model.customerMessage(existing, ts);
        } else {
          customerUser.set(customerId, userId);
          customerName.set(customerId, `Customer ${userId.slice(-6)}`);
          model.newConversation(conversationId, customerId, ch.id, ts);
          messages.set(conversationId, [{ text, private: false }]);
        }
        desc = `customer writes '${text}'`;
      } else if (kind === 'bind' || kind === 'unbind') {
        const c = pick(convs);
        const unitId = pick(unitIds);
        const res = kind === 'bind'
          ? await as(adminM).put(`/api/v1/customers/${c.customerId}/binding`, { unitId })
          : await as(adminM).delete(`/api/v1/customers/${c.customerId}/binding`);
        if (res.status === 200) c.boundUnitId = kind === 'bind' ? unitId : null;
        else skipped++;
        desc = `${kind} ${c.id} → ${res.status}`;
      } else if (kind === 'member') {
        const m = pick(others);
        const what = pick(['roleId', 'unitId', 'channelAccountIds'] as const);
        const value = what === 'roleId' ? pick(roles) : what === 'unitId' ? pick(unitIds) : randomScope();
        const res = await as(adminM).patch(`/api/v1/members/${m.id}`, { [what]: value });
        if (res.status === 200) {
          if (what === 'roleId') m.roleId = value as string;
          else if (what === 'unitId') m.unitId = value as string;
          else m.channels = value as string[];
        } else skipped++;
        desc = `member ${m.name}.${what} → ${res.status}`;
      } else {
        const c = pick(convs);
        const writers = members.filter((m) => model.access(m, c) === 'write');
        const actor = writers.length && chance(0.8) ? pick(writers) : pick(members);
        const targetId = kind === 'assign' ? pick(members.filter((m) => m.id !== c.assigneeId)).id : undefined;
        const want = model.expectAction(kind, actor, c, targetId);
        const text = sentence();
        const path = `/api/v1/conversations/${c.id}`;
        const priv = model.privacy(c, actor).private;
        const res =
          kind === 'reply' ? await as(actor).post(`${path}/messages`, { text })
          : kind === 'note' ? await as(actor).post(`${path}/notes`, { text })
          : kind === 'assign' ? await as(actor).post(`${path}/assign`, { assigneeId: targetId })
          : await as(actor).post(`${path}/${kind}`);
        const ok = res.status < 300;
        const modelOk = want[0] < 300;
        if (ok && !modelOk) fail(`${actor.name} ${kind} ${c.id}: server ${res.status}, model expected ${want.join('|')}`);
        if (ok) {
          if (kind === 'reply' || kind === 'note') {
            if (res.body.private !== priv) fail(`${kind} by ${actor.name}: server private=${res.body.private}, model ${priv}`);
            messages.get(c.id)!.push({ text, private: priv });
          }
          model.applyAction(kind, actor, c, targetId);
          if (kind === 'reply') await new Promise((r) => setTimeout(r, 3));
        } else if (modelOk) skipped++;
        desc = `${actor.name} ${kind} ${c.id}${text && (kind === 'reply' || kind === 'note') ? ` '${text}'` : ''} → ${res.status}`;
      }
      history.push(`step ${step}: ${desc}`);
      if ((step + 1) % CHECK_EVERY === 0) await check(`after step ${step}`);
    }
    await check('end of seed');
    const privateMsgs = [...messages.values()].flat().filter((m) => m.private).length;
    console.log(`search-model seed ${seed}: ${model.convs.size} conversations, ${[...messages.values()].flat().length} messages (${privateMsgs} private), ${searches} searches checked, ${skipped} operations skipped`);
  }
});
