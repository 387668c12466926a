import { randomBytes } from 'crypto';
import { createWriteStream, Dirent, promises as fs } from 'fs';
import { dirname, join, resolve } from 'path';
import { Readable } from 'stream';
import { pipeline } from 'stream/promises';
import { assertKey, ByteLimit, ByteRange, ObjectStorage, StoredObject } from './object-storage';

/**
 * Objects as files under one directory (`STORAGE_DIR`). A write goes to a temporary file that
 * is renamed into place once complete: a reader never sees half a file, a failed write leaves nothing.
 */
export class FsStorage implements ObjectStorage {
  readonly driver = 'fs' as const;
  private readonly root: string;

  constructor(dir: string) {
    this.root = resolve(dir);
  }

  private path(key: string): string {
    assertKey(key);
    return join(this.root, ...key.split('/'));
  }

  async put(key: string, body: Readable, _opts: { contentType: string }): Promise<{ size: number }> {
    const target = this.path(key);
    // The body may fail while the directory is made (a size limit upstream): caught, not left unhandled.
    let early: Error | null = null;
    const onEarly = (e: Error) => (early ??= e);
    body.on('error', onEarly);
    try {
      await fs.mkdir(dirname(target), { recursive: true });
    } finally {
      body.off('error', onEarly);
    }
    if (early) {
      body.destroy();
      throw early;
    }
    const tmp = `${target}.${randomBytes(6).toString('hex')}.part`;
    const counter = new ByteLimit(Number.MAX_SAFE_INTEGER);
    try {
      await pipeline(body, counter, createWriteStream(tmp, { flags: 'wx' }));
      await fs.rename(tmp, target);
    } catch (e) {
      await fs.rm(tmp, { force: true });
      throw e;
    }
    return { size: counter.bytes };
  }

  async get(key: string, range?: ByteRange): Promise<Readable | null> {
    const path = this.path(key);
    // Opened before answering: a missing file is null here, not an error halfway through a response.
    let handle: fs.FileHandle;
    try {
      handle = await fs.open(path, 'r');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
    return handle.createReadStream({ autoClose: true, ...(range ? { start: range.start, end: range.end } : {}) });
  }

  async head(key: string): Promise<{ size: number } | null> {
    try {
      const st = await fs.stat(this.path(key));
      return { size: st.size };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
  }

  async delete(key: string): Promise<void> {
    await fs.rm(this.path(key), { force: true });
  }

  /** Files under the prefix's directory (a prefix names a directory: `<orgId>/`), temporary ones included. */
  async *list(prefix: string): AsyncIterable<StoredObject> {
    const dir = join(this.root, ...prefix.split('/').filter(Boolean));
    if (!dir.startsWith(this.root)) throw new Error(`invalid storage prefix: ${prefix}`);
    const walk = async function* (abs: string, rel: string): AsyncGenerator<StoredObject> {
      let entries: Dirent[];
      try {
        entries = await fs.readdir(abs, { withFileTypes: true });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw e;
      }
      for (const e of entries) {
        const key = rel ? `${rel}/${e.name}` : e.name;
        if (e.isDirectory()) yield* walk(join(abs, e.name), key);
        else if (e.isFile()) {
          const st = await fs.stat(join(abs, e.name)).catch(() => null);
          if (st) yield { key, modifiedAt: st.mtime };
        }
      }
    };
    yield* walk(dir, prefix.split('/').filter(Boolean).join('/'));
  }
}
