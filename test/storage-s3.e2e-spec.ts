import { CreateBucketCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { randomBytes } from 'crypto';
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
// s3rver: an S3-compatible server in-process (npm), standing in for MinIO / AWS S3.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const S3rver = require('s3rver');
import { Readable } from 'stream';
import { S3Storage } from '../src/modules/media/storage/s3-storage';
import { lineEvent, lineWebhook } from './fixtures/providers';
import { createChannel, postWebhook } from './support/channels';
import { newLineUserId } from './support/inbox';
import { MediaStub } from './support/media-stub';
import { seedOrg } from './support/org-fixture';
import { drainQueues } from './support/queues';
import { startTestApp, TestApp } from './support/test-app';

jest.setTimeout(240_000);

const BUCKET = 'omni-media';
const CREDS = { S3_ACCESS_KEY_ID: 'S3RVER', S3_SECRET_ACCESS_KEY: 'S3RVER', S3_REGION: 'us-east-1', S3_BUCKET: BUCKET };

/** The `s3` storage driver against a real S3-compatible server: multipart streaming upload, ranged reads, the app end to end. */
describe('STORAGE_DRIVER=s3 against an S3-compatible server', () => {
  let server: { run(): Promise<{ port: number }>; close(): Promise<void> };
  let endpoint: string;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'omni-s3rver-'));
    server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: dir });
    const { port } = await server.run();
    endpoint = `http://127.0.0.1:${port}`;
    const storage = new S3Storage({ endpoint, bucket: BUCKET, region: 'us-east-1', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' });
    await storage.client.send(new CreateBucketCommand({ Bucket: BUCKET }));
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the driver streams a multi-part object in and reads it back whole and by range', async () => {
    const storage = new S3Storage({ endpoint, bucket: BUCKET, region: 'us-east-1', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' });
    // 11 MB from a generator, never one buffer: three parts of lib-storage's 5 MB.
    const chunk = randomBytes(1024 * 1024);
    const source = Readable.from((function* () {
      for (let i = 0; i < 11; i++) yield chunk;
    })());
    const { size } = await storage.put('org/big', source, { contentType: 'video/mp4' });
    expect(size).toBe(11 * chunk.length);
    expect(await storage.head('org/big')).toEqual({ size: 11 * chunk.length });
    const head = await storage.client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'org/big' }));
    expect(head.ContentType).toBe('video/mp4');
    const part = await read((await storage.get('org/big', { start: 5 * chunk.length + 10, end: 5 * chunk.length + 19 }))!);
    expect(Buffer.compare(part, chunk.subarray(10, 20))).toBe(0);
    let total = 0;
    for await (const c of (await storage.get('org/big'))!) total += (c as Buffer).length;
    expect(total).toBe(11 * chunk.length);
    expect(await storage.get('org/missing')).toBeNull();
    expect(await storage.head('org/missing')).toBeNull();
    await storage.delete('org/big');
    expect(await storage.head('org/big')).toBeNull();
  });

  it('the app on s3: a LINE image is downloaded into the bucket and served from it with ranges', async () => {
    const stub = await new MediaStub().start();
    let t: TestApp | undefined;
    try {
      t = await startTestApp({ STORAGE_DRIVER: 's3', S3_ENDPOINT: endpoint, ...CREDS, LINE_DATA_API_BASE_URL: stub.url });
      const org = await seedOrg(t);
      const line = await createChannel(t, org.admin.token, 'line');
      const photo = randomBytes(30_000);
      const id = `${Date.now()}77`;
      stub.serve(`/v2/bot/message/${id}/content`, { status: 200, body: photo, type: 'image/jpeg' });
      await postWebhook(t, line, lineWebhook(line.externalId, [lineEvent({ userId: newLineUserId(), message: { type: 'image', id, contentProvider: { type: 'line' } } })])).expect(200);
      await drainQueues(t.app);
      const [row] = await t.query(`SELECT id, status, storage_key FROM attachments WHERE org_id = $1`, [org.orgId]);
      expect(row).toMatchObject({ status: 'stored', storage_key: `${org.orgId}/${row.id}` });
      const storage = new S3Storage({ endpoint, bucket: BUCKET, region: 'us-east-1', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' });
      expect(await storage.head(row.storage_key)).toEqual({ size: photo.length });
      const res = await t.as(org.admin.token).get(`/api/v1/attachments/${row.id}`).set('Range', 'bytes=0-99').buffer(true).parse(binary).expect(206);
      expect(res.headers['content-range']).toBe(`bytes 0-99/${photo.length}`);
      expect(res.headers['content-type']).toBe('image/jpeg');
      expect(Buffer.compare(res.body, photo.subarray(0, 100))).toBe(0);
    } finally {
      await t?.close();
      await stub.stop();
    }
  });
});

async function read(s: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of s) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

function binary(res: any, cb: (err: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
}
