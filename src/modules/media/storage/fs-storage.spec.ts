import { randomBytes } from 'crypto';
import { mkdtempSync, readdirSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Readable } from 'stream';
import { FsStorage } from './fs-storage';
import { ByteLimit, TooLargeError } from './object-storage';

async function read(s: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of s) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

describe('FsStorage (STORAGE_DRIVER=fs)', () => {
  let dir: string;
  let storage: FsStorage;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'omni-fs-'));
    storage = new FsStorage(dir);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes a stream, reads it whole and by range, deletes it', async () => {
    const bytes = randomBytes(300_000);
    expect(await storage.put('org-1/att-1', Readable.from([bytes.subarray(0, 100_000), bytes.subarray(100_000)]), { contentType: 'image/png' })).toEqual({ size: bytes.length });
    expect(await storage.head('org-1/att-1')).toEqual({ size: bytes.length });
    expect(Buffer.compare(await read((await storage.get('org-1/att-1'))!), bytes)).toBe(0);
    expect(Buffer.compare(await read((await storage.get('org-1/att-1', { start: 10, end: 19 }))!), bytes.subarray(10, 20))).toBe(0);
    await storage.delete('org-1/att-1');
    expect(await storage.get('org-1/att-1')).toBeNull();
    expect(await storage.head('org-1/att-1')).toBeNull();
  });

  it('a failed write leaves nothing behind (no half file, no temporary file)', async () => {
    const limit = new ByteLimit(1000);
    const source = Readable.from([randomBytes(800), randomBytes(800)]);
    await expect(storage.put('org-1/att-2', source.pipe(limit), { contentType: 'image/png' })).rejects.toBeInstanceOf(TooLargeError);
    expect(await storage.head('org-1/att-2')).toBeNull();
    expect(readdirSync(join(dir, 'org-1'))).toEqual([]);
  });

  it('refuses keys that could leave its directory', async () => {
    for (const key of ['../etc/passwd', '/abs', 'a/../../b', 'a//b', '']) await expect(storage.put(key, Readable.from([Buffer.from('x')]), { contentType: 'x' })).rejects.toThrow(/invalid storage key/);
  });
});
