import { randomBytes, randomInt } from 'crypto';
import { Client } from 'pg';
import { decryptSecret } from '../src/infra/crypto/secrets-cipher';
import { lineSignature } from '../src/modules/channels/providers/signatures';

/**
 * `npm run webhook:line -- --account <channelAccountId> --text "…" [--user Uxxx] [--url http://localhost:3000] [--secret …]`
 *
 * Sends one LINE text-message webhook to a running server exactly as LINE would: a webhook body
 * for the account's bot, signed with the channel secret (`X-Line-Signature` = base64 of
 * HMAC-SHA256(secret, raw body)), posted to `<url>/webhooks/line/<account id>`.
 *
 * Without `--secret`, the channel secret (and the bot's user id, the `destination`) are read from
 * the database: DATABASE_URL and SECRETS_KEY as the server uses them. `--url` defaults to
 * PUBLIC_URL, else http://localhost:$PORT.
 */
export interface WebhookLineOptions {
  account: string;
  text: string;
  user: string;
  url: string;
  secret?: string;
  destination?: string;
}

export interface WebhookLineResult {
  status: number;
  body: string;
  /** The exact bytes sent and their signature. */
  raw: string;
  signature: string;
}

const USAGE = 'usage: npm run webhook:line -- --account <channelAccountId> --text "…" [--user Uxxx] [--url http://localhost:3000] [--secret <channel secret>]';
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A ULID-shaped id like LINE's `webhookEventId` (time-ordered, 26 characters). */
function webhookEventId(now: number): string {
  let time = '';
  for (let t = now, i = 0; i < 10; i++, t = Math.floor(t / 32)) time = CROCKFORD[t % 32] + time;
  return time + [...randomBytes(16)].map((b) => CROCKFORD[b % 32]).join('');
}

export function parseArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): WebhookLineOptions {
  const flags: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([a-z]+)(?:=(.*))?$/.exec(argv[i]);
    if (!m) throw new Error(`unexpected argument ${argv[i]}\n${USAGE}`);
    const value = m[2] ?? argv[++i];
    if (value === undefined) throw new Error(`--${m[1]} needs a value\n${USAGE}`);
    flags[m[1]] = value;
  }
  const unknown = Object.keys(flags).filter((k) => !['account', 'text', 'user', 'url', 'secret', 'destination'].includes(k));
  if (unknown.length) throw new Error(`unknown option --${unknown[0]}\n${USAGE}`);
  if (!flags.account || flags.text === undefined) throw new Error(USAGE);
  return {
    account: flags.account,
    text: flags.text,
    user: flags.user ?? `U${'0'.repeat(31)}1`,
    url: (flags.url ?? env.PUBLIC_URL ?? `http://localhost:${env.PORT ?? 3000}`).replace(/\/+$/, ''),
    secret: flags.secret,
    destination: flags.destination,
  };
}

/** The LINE webhook body for one text message from `userId` to the bot `destination`. */
export function lineTextWebhook(destination: string, userId: string, text: string, now = Date.now()): Record<string, unknown> {
  return {
    destination,
    events: [
      {
        type: 'message',
        mode: 'active',
        timestamp: now,
        source: { type: 'user', userId },
        webhookEventId: webhookEventId(now),
        deliveryContext: { isRedelivery: false },
        replyToken: randomBytes(16).toString('hex'),
        message: { type: 'text', id: String(randomInt(1e9, 1e10)) + String(randomInt(1e8, 1e9)), quoteToken: randomBytes(8).toString('base64url'), text },
      },
    ],
  };
}

/** The channel secret and bot id of a LINE channel account, decrypted with SECRETS_KEY. */
async function accountFromDatabase(accountId: string, env: NodeJS.ProcessEnv): Promise<{ secret: string; destination: string }> {
  if (!env.SECRETS_KEY) throw new Error('SECRETS_KEY is not set: pass --secret, or set DATABASE_URL and SECRETS_KEY as the server has them');
  const c = new Client({ connectionString: env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/omni_inbox' });
  await c.connect();
  try {
    const { rows } = await c.query<{ type: string; external_id: string; secret_enc: string }>(
      'SELECT type, external_id, secret_enc FROM channel_accounts WHERE id = $1',
      [accountId],
    );
    if (!rows[0]) throw new Error(`channel account ${accountId} not found in ${c.database}`);
    if (rows[0].type !== 'line') throw new Error(`channel account ${accountId} is a ${rows[0].type} account, not line`);
    return { secret: decryptSecret(Buffer.from(env.SECRETS_KEY, 'base64'), rows[0].secret_enc), destination: rows[0].external_id };
  } finally {
    await c.end();
  }
}

export async function sendLineWebhook(opts: WebhookLineOptions, env: NodeJS.ProcessEnv = process.env): Promise<WebhookLineResult> {
  let { secret, destination } = opts;
  if (secret === undefined) {
    const account = await accountFromDatabase(opts.account, env);
    secret = account.secret;
    destination ??= account.destination;
  }
  const raw = JSON.stringify(lineTextWebhook(destination ?? `U${'0'.repeat(32)}`, opts.user, opts.text));
  const signature = lineSignature(secret, Buffer.from(raw));
  const res = await fetch(`${opts.url}/webhooks/line/${encodeURIComponent(opts.account)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-line-signature': signature },
    body: raw,
  });
  return { status: res.status, body: await res.text(), raw, signature };
}

export async function main(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let opts: WebhookLineOptions;
  try {
    opts = parseArgs(argv, env);
  } catch (e) {
    console.error((e as Error).message);
    return 2;
  }
  const result = await sendLineWebhook(opts, env);
  console.log(`POST ${opts.url}/webhooks/line/${opts.account} (user ${opts.user}) → ${result.status} ${result.body}`);
  return result.status >= 200 && result.status < 300 ? 0 : 1;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: Error) => {
      console.error(`webhook:line failed: ${e.message}`);
      process.exit(1);
    },
  );
}
