import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { randomUUID } from 'crypto';
import { AppModule } from '../src/app.module';
import { OutboundRecoveryService } from '../src/modules/channels/outbound/outbound-recovery.service';
import { lineEvent, lineWebhook } from './fixtures/providers';
import { createChannel, postWebhook } from './support/channels';
import { seedOrg } from './support/org-fixture';
import { ProviderStub } from './support/provider-stub';
import { eventually } from './support/queues';
import { startTestApp, TestApp } from './support/test-app';

describe('workers in their own process (RUN_WORKERS=false on the API)', () => {
  let t: TestApp;
  let stub: ProviderStub;
  let worker: INestApplicationContext | undefined;

  beforeAll(async () => {
    stub = await new ProviderStub().start();
    t = await startTestApp({ RUN_WORKERS: 'false', LINE_API_BASE_URL: stub.url, OUTBOUND_BACKOFF_MS: '20' });
  });
  afterAll(async () => {
    await worker?.close();
    await t.close();
    await stub.stop();
  });

  it('leaves messages queued until a worker-only context (as npm run start:worker) delivers them', async () => {
    const org = await seedOrg(t);
    const line = await createChannel(t, org.admin.token, 'line');
    const userId = `U${randomUUID().replace(/-/g, '')}`;
    await postWebhook(t, line, lineWebhook(line.externalId, [lineEvent({ userId, text: 'hello' })])).expect(200);
    const [conv] = await t.query(`SELECT c.id FROM conversations c JOIN customers cu ON cu.id = c.customer_id WHERE cu.external_id = $1`, [userId]);
    const res = await t.as(org.admin.token).post(`/api/v1/conversations/${conv.id}/messages`, { text: 'from the API process' }).expect(201);

    await new Promise((r) => setTimeout(r, 300));
    expect((await t.query(`SELECT status FROM messages WHERE id = $1`, [res.body.id]))[0].status).toBe('queued');
    expect(stub.requests).toHaveLength(0);

    // A message whose job never reached Redis (committed, then Redis failed) is recovered by the sweep.
    await t.query(
      `INSERT INTO messages (org_id, conversation_id, channel_account_id, direction, kind, text, sender_type, status, created_at)
       VALUES ($1, $2, $3, 'out', 'text', 'orphaned', 'member', 'queued', now() - interval '10 minutes')`,
      [org.orgId, conv.id, line.id],
    );

    process.env.RUN_WORKERS = 'true';
    worker = await NestFactory.createApplicationContext(AppModule, { logger: false });
    await worker.init();
    expect(await worker.get(OutboundRecoveryService).sweep()).toBe(1);

    await eventually(async () => {
      const rows = await t.query(`SELECT status FROM messages WHERE direction = 'out' AND conversation_id = $1`, [conv.id]);
      return rows.length === 2 && rows.every((r) => r.status === 'sent');
    });
    expect(stub.to('/v2/bot/message/push').map((r) => r.body.messages[0].text).sort()).toEqual(['from the API process', 'orphaned']);
  });
});
