import { randomUUID } from 'crypto';
import { lineEvent, lineWebhook } from '../fixtures/providers';
import { postWebhook, TestChannel } from './channels';
import type { TestApp } from './test-app';

export const newLineUserId = () => `U${randomUUID().replace(/-/g, '')}`;

/** A LINE customer writes in (a real signed webhook); returns the conversation and customer ids. */
export async function customerSays(t: TestApp, line: TestChannel, userId: string, text: string, timestamp = Date.now()): Promise<{ conversationId: string; customerId: string }> {
  await postWebhook(t, line, lineWebhook(line.externalId, [lineEvent({ userId, text, timestamp })])).expect(200);
  const [row] = await t.query(
    `SELECT c.id AS conversation_id, cu.id AS customer_id FROM conversations c JOIN customers cu ON cu.id = c.customer_id
      WHERE cu.channel_account_id = $1 AND cu.external_id = $2`,
    [line.id, userId],
  );
  return { conversationId: row.conversation_id, customerId: row.customer_id };
}

/** Every conversation id in one folder for a token, following cursors to the end. */
export async function folderIds(t: TestApp, token: string, folder: string, limit = 100): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const q: string = `/api/v1/folders/${folder}/conversations?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const res = await t.as(token).get(q);
    if (res.status === 404) return [];
    if (res.status !== 200) throw new Error(`${q} → ${res.status} ${JSON.stringify(res.body)}`);
    ids.push(...res.body.items.map((i: { id: string }) => i.id));
    cursor = res.body.nextCursor;
  } while (cursor);
  return ids;
}

/** The folders (of those listed) whose listing holds the conversation, as seen over the API. */
export async function foldersHolding(t: TestApp, token: string, conversationId: string, folders: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const f of folders) if ((await folderIds(t, token, f)).includes(conversationId)) out.push(f);
  return out;
}
