import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { PassThrough, Readable } from 'stream';
import { pipeline } from 'stream/promises';
import { assertKey, ByteLimit, ByteRange, ObjectStorage, StoredObject } from './object-storage';

export interface S3Options {
  endpoint?: string;
  bucket: string;
  region: string;
  accessKeyId?: string;
  secretAccessKey?: string;
}

const notFound = (e: unknown) => {
  const err = e as { name?: string; $metadata?: { httpStatusCode?: number } };
  return err?.name === 'NoSuchKey' || err?.name === 'NotFound' || err?.$metadata?.httpStatusCode === 404;
};

/**
 * Objects in an S3-compatible bucket (AWS S3, MinIO, Ceph…), path-style addressing so a
 * self-hosted endpoint needs no wildcard DNS. Uploads stream in 5 MB parts (lib-storage):
 * the process never holds a whole file.
 */
export class S3Storage implements ObjectStorage {
  readonly driver = 's3' as const;
  readonly client: S3Client;

  constructor(private readonly opts: S3Options) {
    this.client = new S3Client({
      endpoint: opts.endpoint,
      region: opts.region,
      forcePathStyle: true,
      credentials: opts.accessKeyId && opts.secretAccessKey ? { accessKeyId: opts.accessKeyId, secretAccessKey: opts.secretAccessKey } : undefined,
    });
  }

  async put(key: string, body: Readable, opts: { contentType: string }): Promise<{ size: number }> {
    assertKey(key);
    const counter = new ByteLimit(Number.MAX_SAFE_INTEGER);
    const pass = new PassThrough();
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.opts.bucket, Key: key, Body: pass, ContentType: opts.contentType },
      queueSize: 2,
      partSize: 5 * 1024 * 1024,
      leavePartsOnError: false,
    });
    const feeding = pipeline(body, counter, pass);
    try {
      await Promise.all([feeding, upload.done()]);
    } catch (e) {
      await upload.abort().catch(() => undefined);
      pass.destroy();
      throw e;
    }
    return { size: counter.bytes };
  }

  async get(key: string, range?: ByteRange): Promise<Readable | null> {
    assertKey(key);
    try {
      const out = await this.client.send(
        new GetObjectCommand({ Bucket: this.opts.bucket, Key: key, Range: range ? `bytes=${range.start}-${range.end}` : undefined }),
      );
      return out.Body as Readable;
    } catch (e) {
      if (notFound(e)) return null;
      throw e;
    }
  }

  async head(key: string): Promise<{ size: number } | null> {
    assertKey(key);
    try {
      const out = await this.client.send(new HeadObjectCommand({ Bucket: this.opts.bucket, Key: key }));
      return { size: Number(out.ContentLength ?? 0) };
    } catch (e) {
      if (notFound(e)) return null;
      throw e;
    }
  }

  async delete(key: string): Promise<void> {
    assertKey(key);
    await this.client.send(new DeleteObjectCommand({ Bucket: this.opts.bucket, Key: key }));
  }

  /** A page of up to 1000 keys per request, followed to the end. */
  async *list(prefix: string): AsyncIterable<StoredObject> {
    let token: string | undefined;
    do {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.opts.bucket, Prefix: prefix, ContinuationToken: token }));
      for (const o of page.Contents ?? []) if (o.Key) yield { key: o.Key, modifiedAt: o.LastModified ?? new Date() }; // no date: judged fresh, never deleted
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }
}
