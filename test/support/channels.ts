import { randomBytes } from 'crypto';
import { lineSignature, metaSignature } from '../../src/modules/channels/providers/signatures';
import type { TestApp } from './test-app';

export interface TestChannel {
  id: string;
  type: 'line' | 'messenger' | 'instagram' | 'whatsapp';
  externalId: string;
  secret: string;
  accessToken: string;
  verifyToken: string;
  webhookUrl: string;
}

export async function createChannel(t: TestApp, adminToken: string, type: TestChannel['type'], name = `${type} account`): Promise<TestChannel> {
  const tag = randomBytes(6).toString('hex');
  const input = {
    type,
    name,
    externalId: type === 'line' ? `U${tag}${'0'.repeat(20)}` : `${Date.now()}${parseInt(tag, 16) % 100000}`,
    secret: `secret-${tag}`,
    accessToken: `token-${tag}`,
    verifyToken: `verify-${tag}`,
  };
  const res = await t.as(adminToken).post('/api/v1/channel-accounts', input).expect(201);
  return { ...input, id: res.body.id, webhookUrl: res.body.webhookUrl };
}

/** Posts a webhook body signed the way the provider signs it (or with `signature` to override). */
export function postWebhook(t: TestApp, ch: TestChannel, body: unknown, opts: { signature?: string | null; raw?: string } = {}) {
  const raw = opts.raw ?? JSON.stringify(body);
  const req = t.http().post(`/webhooks/${ch.type}/${ch.id}`).set('Content-Type', 'application/json');
  const header = ch.type === 'line' ? 'X-Line-Signature' : 'X-Hub-Signature-256';
  const sig = opts.signature === undefined ? (ch.type === 'line' ? lineSignature(ch.secret, Buffer.from(raw)) : metaSignature(ch.secret, Buffer.from(raw))) : opts.signature;
  if (sig !== null) req.set(header, sig);
  return req.send(raw);
}
