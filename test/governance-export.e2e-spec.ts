import { AccessPolicy } from '../src/modules/access/access.policy';
import { Permission } from '../src/modules/access/permissions';
import { EXPORT_PAGE } from '../src/modules/governance/records/conversation-export.service';
import { createChannel, TestChannel } from './support/channels';
import { customerSays, newLineUserId } from './support/inbox';
import { createMember, createRole, SeedOrg, seedOrg } from './support/org-fixture';
import { startTestApp, TestApp } from './support/test-app';

jest.setTimeout(120_000);

/** A long conversation's export: every message once, oldest first, redacted for the exporter, readability asked once. */
describe('governance: exporting a long conversation', () => {
  let t: TestApp;
  let org: SeedOrg;
  let line: TestChannel;

  beforeAll(async () => {
    t = await startTestApp();
    org = await seedOrg(t);
    line = await createChannel(t, org.admin.token, 'line');
  }, 180_000);

  afterAll(async () => {
    await t?.close();
  });

  it('pages through every message (ties on the timestamp included) after one readability check', async () => {
    const { conversationId } = await customerSays(t, line, newLineUserId(), 'msg 0000');
    const [first] = await t.query(`SELECT channel_account_id, created_at FROM messages WHERE conversation_id = $1`, [conversationId]);
    // 2.5 pages more, two messages per timestamp so page boundaries fall inside ties; every seventh is private.
    const extra = Math.floor(EXPORT_PAGE * 2.5);
    await t.query(
      `INSERT INTO messages (org_id, conversation_id, channel_account_id, direction, kind, text, sender_type, private, created_at)
       SELECT $1, $2, $3, 'in', 'text', 'msg ' || lpad(i::text, 4, '0'), 'customer', i % 7 = 0, $4::timestamptz + make_interval(secs => ((i + 1) / 2)::int)
         FROM generate_series(1, $5::int) AS i`,
      [org.orgId, conversationId, first.channel_account_id, first.created_at, extra],
    );
    const role = await createRole(t, org.admin.token, '匯出員', [Permission.InboxAccess, Permission.FolderAll, Permission.ConversationExport]);
    const exporter = await createMember(t, org.admin.token, { name: 'Exporter', unitId: org.units.hq, roleId: role });

    const policy = t.app.get(AccessPolicy);
    const readable = jest.spyOn(policy, 'requireReadable');
    try {
      const body = (await t.as(exporter.token).get(`/api/v1/conversations/${conversationId}/export`).expect(200)).body as { messages: { text: string | null; private: boolean; redacted: boolean }[] };
      expect(readable).toHaveBeenCalledTimes(1);
      expect(body.messages).toHaveLength(extra + 1);
      // Oldest first in the inbox's own order (time, then id within a tie).
      const stored: { text: string; private: boolean }[] = await t.query(`SELECT text, private FROM messages WHERE conversation_id = $1 ORDER BY created_at, id`, [conversationId]);
      expect(body.messages.map((m) => m.text)).toEqual(stored.map((m) => (m.private ? null : m.text)));
      expect(new Set(body.messages.map((m) => m.text)).size).toBe(extra + 1 - Math.floor(extra / 7) + 1);
      expect(body.messages.filter((m) => m.redacted).length).toBe(Math.floor(extra / 7));
      expect(body.messages.every((m) => m.redacted === m.private)).toBe(true);

      // The admin sees private content; the CSV holds the same lines.
      const admin = (await t.as(org.admin.token).get(`/api/v1/conversations/${conversationId}/export`).expect(200)).body as { messages: { text: string }[] };
      expect(admin.messages.map((m) => m.text)).toEqual(stored.map((m) => m.text));
      const csv = await t.as(exporter.token).get(`/api/v1/conversations/${conversationId}/export?format=csv`).expect(200);
      expect(csv.text.trim().split('\r\n')).toHaveLength(extra + 2);
      expect(csv.text).not.toContain('msg 0007');
    } finally {
      readable.mockRestore();
    }
  });

  it('still answers 404 to a member who cannot read it and 403 to a reader without conversation.export', async () => {
    const { conversationId } = await customerSays(t, line, newLineUserId(), '只是問問');
    await t.as(org.winnie.token).get(`/api/v1/conversations/${conversationId}/export`).expect(404);
    await t.as(org.heine.token).get(`/api/v1/conversations/${conversationId}/export`).expect(403);
    const exported = await t.query(`SELECT 1 FROM audit_logs WHERE org_id = $1 AND action = 'conversation.exported' AND target_id = $2`, [org.orgId, conversationId]);
    expect(exported).toEqual([]);
  });
});
