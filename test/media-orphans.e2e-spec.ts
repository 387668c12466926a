import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { getQueueToken } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import { randomUUID } from 'crypto';
import { existsSync, mkdtempSync, rmSync, utimesSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Readable } from 'stream';
import { QueueName } from '../src/infra/queue/queues';
import { ORPHAN_MIN_AGE_MS } from '../src/modules/governance/records/orphan-files.service';
import { OBJECT_STORAGE, ObjectStorage } from '../src/modules/media/storage/object-storage';
import { S3Storage } from '../src/modules/media/storage/s3-storage';
import { createChannel } from './support/channels';
import { customerSays, newLineUserId } from './support/inbox';
import { Actor, signup } from './support/org-fixture';
import { drainQueues } from './support/queues';
import { startTestApp, TestApp } from './support/test-app';
// s3rver: an S3-compatible server in-process (as in storage-s3.e2e-spec.ts).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const S3rver = require('s3rver');

jest.setTimeout(120_000);

/**
 * Stored files nothing names any more (an erasure whose file delete failed, a write whose row
 * never committed) are found by the daily sweep and deleted once they are old enough, with the
 * fs driver: what a row still names, what is too fresh to judge, and what is not the server's stay.
 */
describe('media: the orphan-file sweep', () => {
  let t: TestApp;
  let dir: string;
  let storage: ObjectStorage;
  let orgId: string;
  let admin: Actor;

  const put = (key: string) => storage.put(key, Readable.from([Buffer.from(`bytes of ${key}`)]), { contentType: 'application/octet-stream' });
  const file = (key: string) => join(dir, ...key.split('/'));
  const age = (key: string, ms: number) => utimesSync(file(key), new Date(Date.now() - ms), new Date(Date.now() - ms));
  const insertAttachment = (key: string) =>
    t.query(`INSERT INTO attachments (org_id, direction, type, mime_type, size, status, storage_key) VALUES ($1, 'out', 'file', 'application/pdf', 10, 'stored', $2)`, [orgId, key]);
  const sweep = async () => {
    await t.app.get<Queue>(getQueueToken(QueueName.OrphanFiles)).add('OrphanFilesSweepJob', {});
    await drainQueues(t.app);
  };
  /** One org's run outside the daily schedule (the sweep's job id lets one run per org and day). */
  const runForOrg = async () => {
    await t.app.get<Queue>(getQueueToken(QueueName.OrphanFiles)).add('DeleteOrphanFilesJob', { orgId });
    await drainQueues(t.app);
  };
  const sweepAudits = () => t.query(`SELECT actor_id, target_id, after FROM audit_logs WHERE org_id = $1 AND action = 'media.orphans_deleted' ORDER BY at`, [orgId]);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'omni-orphans-'));
    t = await startTestApp({ STORAGE_DIR: dir });
    ({ orgId, admin } = await signup(t));
    storage = t.app.get(OBJECT_STORAGE);
  }, 180_000);

  afterAll(async () => {
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('deletes old files no attachment row names, keeps named, fresh and foreign ones, and audits the counts once', async () => {
    // An erasure whose file delete failed after the commit: the row is gone, the file stays behind.
    const line = await createChannel(t, admin.token, 'line');
    const { conversationId, customerId } = await customerSays(t, line, newLineUserId(), '請刪除我的資料');
    const [message] = await t.query(`SELECT id FROM messages WHERE conversation_id = $1`, [conversationId]);
    const erasedKey = `${orgId}/${randomUUID()}`;
    await put(erasedKey);
    await t.query(`INSERT INTO attachments (org_id, message_id, direction, type, mime_type, size, status, storage_key) VALUES ($1, $2, 'in', 'image', 'image/jpeg', 10, 'stored', $3)`, [orgId, message.id, erasedKey]);
    const failing = jest.spyOn(storage, 'delete').mockRejectedValueOnce(new Error('storage unavailable'));
    try {
      await t.as(admin.token).delete(`/api/v1/customers/${customerId}`).expect(200);
    } finally {
      failing.mockRestore();
    }
    expect(await t.query(`SELECT 1 FROM attachments WHERE storage_key = $1`, [erasedKey])).toEqual([]);
    expect(existsSync(file(erasedKey))).toBe(true);

    const namedKey = `${orgId}/${randomUUID()}`;
    const freshOrphanKey = `${orgId}/${randomUUID()}`;
    const staleTempKey = `${orgId}/${randomUUID()}.0a1b2c3d4e5f.part`;
    const foreignKey = `backups/${randomUUID()}`;
    for (const key of [namedKey, freshOrphanKey, staleTempKey, foreignKey]) await put(key);
    await insertAttachment(namedKey);
    const old = ORPHAN_MIN_AGE_MS + 3600_000;
    for (const key of [erasedKey, namedKey, staleTempKey, foreignKey]) age(key, old);
    age(freshOrphanKey, ORPHAN_MIN_AGE_MS - 3600_000);

    await sweep();
    expect(existsSync(file(erasedKey))).toBe(false);
    expect(existsSync(file(staleTempKey))).toBe(false);
    expect(existsSync(file(namedKey))).toBe(true);
    expect(existsSync(file(freshOrphanKey))).toBe(true);
    expect(existsSync(file(foreignKey))).toBe(true);
    expect(await sweepAudits()).toEqual([{ actor_id: null, target_id: orgId, after: { checked: 3, deleted: 2, failed: 0, minAgeHours: ORPHAN_MIN_AGE_MS / 3600_000 } }]);

    // Another run finds nothing to delete (and audits nothing); the fresh orphan goes once it is old enough.
    await runForOrg();
    expect(await sweepAudits()).toHaveLength(1);
    age(freshOrphanKey, old);
    await runForOrg();
    expect(existsSync(file(freshOrphanKey))).toBe(false);
    expect(existsSync(file(namedKey))).toBe(true);
    expect((await sweepAudits()).map((a: { after: { deleted: number } }) => a.after.deleted)).toEqual([2, 1]);
  });
});

/** The sweep walks a prefix with `list`: the s3 driver names the same keys the fs driver would. */
describe('media: listing a prefix with the s3 driver', () => {
  let server: { run(): Promise<{ port: number }>; close(): Promise<void> };
  let dir: string;
  let storage: S3Storage;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'omni-s3rver-'));
    server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: dir });
    const { port } = await server.run();
    storage = new S3Storage({ endpoint: `http://127.0.0.1:${port}`, bucket: 'omni-orphans', region: 'us-east-1', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' });
    await storage.client.send(new CreateBucketCommand({ Bucket: 'omni-orphans' }));
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists every key under the prefix with its write time, and nothing else', async () => {
    const org = randomUUID();
    const mine = [`${org}/${randomUUID()}`, `${org}/${randomUUID()}`, `${org}/nested/${randomUUID()}`];
    const before = Date.now() - 60_000;
    for (const key of [...mine, `${randomUUID()}/${randomUUID()}`, `${org}x/${randomUUID()}`]) await storage.put(key, Readable.from([Buffer.from(key)]), { contentType: 'text/plain' });
    const listed = [];
    for await (const o of storage.list(`${org}/`)) listed.push(o);
    expect(listed.map((o) => o.key).sort()).toEqual([...mine].sort());
    expect(listed.every((o) => o.modifiedAt.getTime() > before && o.modifiedAt.getTime() < Date.now() + 60_000)).toBe(true);
  });
});
