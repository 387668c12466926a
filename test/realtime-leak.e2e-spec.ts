import { Permission } from '../src/modules/access/permissions';
import { createChannel, TestChannel } from './support/channels';
import { customerSays, newLineUserId } from './support/inbox';
import { Actor, createMember, createRole, SeedOrg, seedOrg } from './support/org-fixture';
import { connectInbox, InboxClient, settle } from './support/sockets';
import { startTestApp, TestApp } from './support/test-app';

/**
 * The leak test (SPEC §8 invariant): a randomized scenario with many members and sockets.
 * After every step, every event each socket received is checked against what that member
 * can read over REST at that moment (zero leaked), and every member who can read the touched
 * conversation must have been told (zero missed): `conversation.upserted` for readers,
 * `conversation.removed` for those who could read it before and cannot now.
 */
function mulberry32(seed: number) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let r = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

const SEED = 20261124;
const STEPS = 60;

describe(`real-time leak test (seed ${SEED}, ${STEPS} steps)`, () => {
  let t: TestApp;
  let org: SeedOrg;
  let line: TestChannel;
  let members: Actor[];
  const clients = new Map<string, InboxClient>();
  const privateView = new Map<string, boolean>();
  const conversations: { id: string; customerId: string; userId: string }[] = [];
  let roles: string[];

  async function readable(member: Actor, conversationId: string): Promise<boolean> {
    const res = await t.as(member.token).get(`/api/v1/conversations/${conversationId}`);
    if (![200, 404].includes(res.status)) throw new Error(`GET conversation → ${res.status}`);
    return res.status === 200;
  }

  beforeAll(async () => {
    t = await startTestApp({}, { listen: true });
    org = await seedOrg(t);
    line = await createChannel(t, org.admin.token, 'line');
    const folderSets = [
      [Permission.FolderUnassigned, Permission.FolderAssigned, Permission.FolderDepartment],
      [Permission.FolderSubordinates, Permission.FolderBound, Permission.FolderPreviouslyHandled, Permission.ConversationPrivateView],
      [Permission.FolderSubordinateBound, Permission.FolderDone, Permission.FolderTrash, Permission.FolderAssigned],
      [Permission.FolderUnassigned, Permission.FolderPrivate, Permission.ConversationPrivateView, Permission.ConversationPrivate],
    ];
    roles = [];
    for (const [i, set] of folderSets.entries()) {
      roles.push(await createRole(t, org.admin.token, `leak role ${i}`, [Permission.InboxAccess, Permission.ConversationClaim, Permission.ConversationReply, ...set]));
    }
    const units = Object.values(org.units);
    const extra: Actor[] = [];
    for (let i = 0; i < 8; i++) {
      extra.push(await createMember(t, org.admin.token, { name: `Leak ${i}`, unitId: units[i % units.length], roleId: roles[i % roles.length] }));
    }
    members = [org.admin, org.heine, org.managerA, org.managerB, org.managerC, org.winnie, org.vincent, org.southManager, ...extra];
    for (const m of members) clients.set(m.id, await connectInbox(t.url!, m.token));
  });
  afterAll(async () => {
    clients.forEach((c) => c.close());
    await t.close();
  });

  async function refreshPrivateView(): Promise<void> {
    for (const m of members) {
      const me = await t.as(m.token).get('/api/v1/me').expect(200);
      privateView.set(m.id, me.body.permissions.includes(Permission.ConversationPrivateView));
    }
  }

  it('delivers every event to exactly the members who may read it', async () => {
    const rand = mulberry32(SEED);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
    let leaked = 0;
    let missed = 0;
    let delivered = 0;
    let refused = 0;
    const problems: string[] = [];
    await refreshPrivateView();

    for (let step = 0; step < STEPS; step++) {
      const existing = conversations.length ? pick(conversations) : null;
      const op = !existing || rand() < 0.25 ? 'message' : pick(['message', 'assign', 'claim', 'complete', 'reopen', 'trash', 'reply', 'bind', 'unbind', 'role']);
      const target = op === 'message' && (!existing || rand() < 0.5) ? null : existing;
      const before = new Map<string, boolean>();
      if (target) for (const m of members) before.set(m.id, await readable(m, target.id));
      clients.forEach((c) => c.take());

      let touched: string | null = target?.id ?? null;
      let status = 200;
      switch (op) {
        case 'message': {
          const userId = target?.userId ?? newLineUserId();
          const r = await customerSays(t, line, userId, `step ${step}`);
          if (!target) conversations.push({ id: r.conversationId, customerId: r.customerId, userId });
          touched = r.conversationId;
          break;
        }
        case 'assign':
          ({ status } = await t.as(org.admin.token).post(`/api/v1/conversations/${target!.id}/assign`, { assigneeId: pick(members).id }));
          break;
        case 'claim':
          ({ status } = await t.as(pick(members).token).post(`/api/v1/conversations/${target!.id}/claim`));
          break;
        case 'complete':
        case 'reopen':
        case 'trash':
          ({ status } = await t.as(org.admin.token).post(`/api/v1/conversations/${target!.id}/${op}`));
          break;
        case 'reply':
          ({ status } = await t.as(pick([org.admin, ...members.slice(8)]).token).post(`/api/v1/conversations/${target!.id}/messages`, { text: `reply ${step}` }));
          break;
        case 'bind':
          await t.as(org.admin.token).put(`/api/v1/customers/${target!.customerId}/binding`, { unitId: pick(Object.values(org.units)) }).expect(200);
          break;
        case 'unbind':
          await t.as(org.admin.token).delete(`/api/v1/customers/${target!.customerId}/binding`).expect(200);
          break;
        case 'role': {
          const m = pick(members.slice(8));
          await t.as(org.admin.token).patch(`/api/v1/members/${m.id}`, { roleId: pick(roles) }).expect(200);
          touched = null;
          await settle();
          await refreshPrivateView();
          break;
        }
      }
      await settle();

      // Zero leaked: everything received is readable over REST right now, redacted as it must be.
      const canRead = new Map<string, boolean>();
      const check = async (m: Actor, conversationId: string) => {
        const key = `${m.id}:${conversationId}`;
        if (!canRead.has(key)) canRead.set(key, await readable(m, conversationId));
        return canRead.get(key)!;
      };
      for (const m of members) {
        for (const { event, payload } of clients.get(m.id)!.received) {
          delivered++;
          // Not conversation data: a member's own permissions, a colleague's presence (test/presence.e2e-spec.ts).
          if (event === 'permissions.changed' || event === 'presence.changed') continue;
          const conversationId =
            event === 'customer.updated'
              ? conversations.find((c) => c.customerId === payload.id)?.id
              : event === 'notification.created'
                ? payload.payload.conversationId
                : (payload.conversationId ?? payload.id);
          const readableNow = await check(m, conversationId);
          const ok = event === 'conversation.removed' ? !readableNow : readableNow;
          if (!ok) {
            leaked++;
            problems.push(`step ${step} ${op}: ${event} for ${conversationId} reached a member who ${readableNow ? 'can' : 'cannot'} read it`);
          }
          if (event.startsWith('message.') && payload.private && payload.redacted === privateView.get(m.id)) {
            leaked++;
            problems.push(`step ${step} ${op}: ${event} redaction wrong for ${m.id}`);
          }
        }
      }
      // A refused action (403/404/409/422) changed nothing: nobody may hear of it.
      if (status >= 300) {
        refused++;
        const heard = members.filter((m) => clients.get(m.id)!.received.some((r) => r.event !== 'presence.changed'));
        if (heard.length) problems.push(`step ${step} ${op} was refused (${status}) yet ${heard.length} socket(s) got events`);
        continue;
      }
      // Zero missed: every reader of the touched conversation heard of it; every member who lost it was told.
      if (touched) {
        for (const m of members) {
          const got = clients.get(m.id)!.received;
          const now = await check(m, touched);
          if (now && !got.some((r) => r.event === 'conversation.upserted' && r.payload.id === touched)) {
            missed++;
            problems.push(`step ${step} ${op}: reader ${m.id} got no conversation.upserted for ${touched}`);
          }
          if (!now && before.get(m.id) && !got.some((r) => r.event === 'conversation.removed' && r.payload.conversationId === touched)) {
            missed++;
            problems.push(`step ${step} ${op}: ${m.id} lost ${touched} without conversation.removed`);
          }
        }
      }
    }
    console.log(`leak test seed ${SEED}: ${STEPS} steps, ${members.length} sockets, ${delivered} events delivered, ${refused} refused actions, ${leaked} leaked, ${missed} missed`);
    expect(problems).toEqual([]);
    expect(delivered).toBeGreaterThan(STEPS);
  }, 180_000);
});
