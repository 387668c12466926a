import { main, parseArgs, sendLineWebhook } from '../scripts/webhook-line';
import { lineSignature } from '../src/modules/channels/providers/signatures';
import { createChannel, TestChannel } from './support/channels';
import { newLineUserId } from './support/inbox';
import { Actor, signup } from './support/org-fixture';
import { startTestApp, TestApp } from './support/test-app';

/** `npm run webhook:line`: a signed LINE webhook against a running server (here the booted test app on a real port). */
describe('npm run webhook:line', () => {
  let t: TestApp;
  let admin: Actor;
  let line: TestChannel;

  // Only an administrator is needed (to connect the LINE account): signup, not the whole tree.
  beforeAll(async () => {
    t = await startTestApp({}, { listen: true });
    ({ admin } = await signup(t));
    line = await createChannel(t, admin.token, 'line');
  }, 120_000);
  afterAll(() => t.close());

  const messagesFrom = (userId: string) =>
    t.query<{ text: string; direction: string }>(
      `SELECT m.text, m.direction FROM messages m JOIN conversations c ON c.id = m.conversation_id JOIN customers cu ON cu.id = c.customer_id
        WHERE cu.channel_account_id = $1 AND cu.external_id = $2 ORDER BY m.created_at`,
      [line.id, userId],
    );

  it('reads the channel secret from the database, signs the body and the server stores the customer message', async () => {
    const user = newLineUserId();
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      // The same environment the server runs with: DATABASE_URL and SECRETS_KEY.
      const code = await main(['--account', line.id, '--text', '台中北屯門市 想預約', '--user', user, '--url', t.url!], t.env);
      expect(code).toBe(0);
      expect(log.mock.calls.join('\n')).toContain(`/webhooks/line/${line.id} (user ${user}) → 200`);
    } finally {
      log.mockRestore();
    }
    expect(await messagesFrom(user)).toEqual([{ text: '台中北屯門市 想預約', direction: 'in' }]);
  });

  it('signs with HMAC-SHA256 base64 over the exact bytes sent (the LINE test vector holds), and --secret skips the database', async () => {
    expect(lineSignature('test_secret', Buffer.from('{"hello":"world"}'))).toBe('t7Hn4ZDHqs6e+wdvI5TyQIvzie0DmMUmuXEBqyyE/tM=');
    const user = newLineUserId();
    const opts = parseArgs(['--account', line.id, '--text', 'hello', '--user', user, '--url', t.url!, '--secret', line.secret], {});
    const sent = await sendLineWebhook(opts, {});
    expect(sent.status).toBe(200);
    expect(sent.signature).toBe(lineSignature(line.secret, Buffer.from(sent.raw)));
    const body = JSON.parse(sent.raw);
    expect(body.events[0]).toMatchObject({ type: 'message', source: { type: 'user', userId: user }, message: { type: 'text', text: 'hello' } });
    expect(await messagesFrom(user)).toEqual([{ text: 'hello', direction: 'in' }]);
  });

  it('a wrong secret is refused by the server (401) and the script exits non-zero; nothing is stored', async () => {
    const user = newLineUserId();
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      expect(await main(['--account', line.id, '--text', 'forged', '--user', user, '--url', t.url!, '--secret', 'not-the-secret'], {})).toBe(1);
      expect(log.mock.calls.join('\n')).toContain('→ 401');
    } finally {
      log.mockRestore();
    }
    expect(await messagesFrom(user)).toEqual([]);
  });

  it('explains its usage when --account or --text is missing', async () => {
    const err = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      expect(await main(['--text', 'hi'], {})).toBe(2);
      expect(err.mock.calls.join('\n')).toContain('usage: npm run webhook:line -- --account <channelAccountId>');
    } finally {
      err.mockRestore();
    }
    expect(parseArgs(['--account', 'a', '--text', 'b'], { PUBLIC_URL: 'https://inbox.example.com/' }).url).toBe('https://inbox.example.com');
    expect(parseArgs(['--account', 'a', '--text', 'b'], { PORT: '4000' }).url).toBe('http://localhost:4000');
  });
});
