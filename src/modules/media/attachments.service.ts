import { BadRequestException, Inject, Injectable, NotFoundException, PayloadTooLargeException, UnsupportedMediaTypeException } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import busboy from 'busboy';
import { randomUUID } from 'crypto';
import type { IncomingMessage } from 'http';
import { Readable } from 'stream';
import { appConfig } from '../../infra/config/app.config';
import { AccessPolicy } from '../access/access.policy';
import type { Viewer } from '../access/viewer';
import { UnitOfWork } from '../events/unit-of-work';
import { AttachmentEntity, AttachmentType } from './attachment.entity';
import { AttachmentRepository } from './attachment.repository';
import { AttachmentView, presentAttachment } from './attachment.view';
import { parseRange } from './http-range';
import { storageKeyOf } from './media.processor';
import { MediaTokens } from './media-token';
import { OBJECT_STORAGE, ObjectStorage } from './storage/object-storage';

/** What to answer for a read: the bytes (200/206) or 416. */
export type MediaAnswer =
  | { status: 200 | 206; headers: Record<string, string>; body: Readable }
  | { status: 416; headers: Record<string, string>; body: null };

/** Upload types (anything else → 415). */
export function uploadType(mime: string): AttachmentType | null {
  if (/^image\/[a-z0-9.+-]+$/.test(mime)) return 'image';
  if (mime === 'video/mp4') return 'video';
  if (/^audio\/[a-z0-9.+-]+$/.test(mime)) return 'audio';
  if (mime === 'application/pdf') return 'file';
  return null;
}

const cleanName = (s: string) => s.replace(/[\u0000-\u001f\u007f"\\/]/g, '_').slice(0, 255);

/**
 * Reading attachments (bearer: readable iff the conversation is readable and the message is
 * not redacted for the viewer, else 404; signed media URLs for providers) and uploading them.
 */
@Injectable()
export class AttachmentsService {
  private readonly tokens: MediaTokens;

  constructor(
    @Inject(appConfig.KEY) private readonly cfg: ConfigType<typeof appConfig>,
    @Inject(OBJECT_STORAGE) private readonly storage: ObjectStorage,
    private readonly uow: UnitOfWork,
    private readonly attachments: AttachmentRepository,
    private readonly policy: AccessPolicy,
  ) {
    this.tokens = MediaTokens.fromSecret(cfg.jwt.secret);
  }

  /** `PUBLIC_URL/media/<token>`: one attachment, expiring (MEDIA_URL_TTL_SECONDS). */
  publicUrl(orgId: string, attachmentId: string, now = Date.now()): string {
    const token = this.tokens.sign({ orgId, attachmentId, expiresAt: Math.floor(now / 1000) + this.cfg.media.urlTtlSeconds });
    return `${this.cfg.publicUrl}/media/${token}`;
  }

  async read(viewer: Viewer, id: string, range: string | undefined): Promise<MediaAnswer> {
    const ctx = await this.attachments.readContext(viewer.orgId, id);
    const notFound = () => new NotFoundException('Attachment not found');
    if (!ctx) throw notFound();
    const a = ctx.attachment;
    if (a.messageId || a.purpose === 'avatar') {
      if (!ctx.conversationId) throw notFound();
      try {
        await this.policy.requireReadable(viewer, ctx.conversationId);
      } catch (e) {
        if (e instanceof NotFoundException) throw notFound();
        throw e;
      }
      if (ctx.messagePrivate && !this.policy.seesPrivateContent(viewer)) throw notFound();
    } else if (a.uploadedById !== viewer.memberId) {
      throw notFound(); // an upload not sent yet is its uploader's only
    }
    return this.answer(a, range);
  }

  async readByToken(token: string, range: string | undefined): Promise<MediaAnswer> {
    const claims = this.tokens.verify(token);
    if (!claims) throw new NotFoundException('Not found');
    const a = await this.attachments.findById(claims.orgId, claims.attachmentId);
    if (!a) throw new NotFoundException('Not found');
    return this.answer(a, range);
  }

  private async answer(a: AttachmentEntity, rangeHeader: string | undefined): Promise<MediaAnswer> {
    if (a.status !== 'stored' || !a.storageKey) throw new NotFoundException(a.status === 'pending' ? 'Attachment not downloaded yet' : 'Attachment has no stored bytes');
    const size = a.size ?? (await this.storage.head(a.storageKey))?.size;
    if (size === undefined) throw new NotFoundException('Attachment has no stored bytes');
    const range = parseRange(rangeHeader, size);
    const base: Record<string, string> = {
      'Content-Type': a.mimeType ?? 'application/octet-stream',
      'Accept-Ranges': 'bytes',
      'Cache-Control': 'private, max-age=3600',
      'X-Content-Type-Options': 'nosniff',
      'Content-Disposition': `${a.type === 'file' ? 'attachment' : 'inline'}${a.fileName ? `; filename*=UTF-8''${encodeURIComponent(a.fileName)}` : ''}`,
    };
    if (range === 'unsatisfiable') return { status: 416, headers: { 'Content-Range': `bytes */${size}` }, body: null };
    const body = await this.storage.get(a.storageKey, range ?? undefined);
    if (!body) throw new NotFoundException('Attachment has no stored bytes');
    if (!range) return { status: 200, headers: { ...base, 'Content-Length': String(size) }, body };
    return {
      status: 206,
      headers: { ...base, 'Content-Length': String(range.end - range.start + 1), 'Content-Range': `bytes ${range.start}-${range.end}/${size}` },
      body,
    };
  }

  /**
   * `multipart/form-data` with one `file` part, streamed into storage as it arrives: larger
   * than ATTACHMENT_MAX_BYTES → 413 (nothing kept), a type not accepted → 415.
   */
  async upload(viewer: Viewer, req: IncomingMessage): Promise<AttachmentView> {
    const max = this.cfg.media.maxUploadBytes;
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > max + 1024 * 1024) throw new PayloadTooLargeException(`A file may be at most ${max} bytes`);
    if (!/^multipart\/form-data/i.test(req.headers['content-type'] ?? '')) throw new UnsupportedMediaTypeException('Send multipart/form-data with a `file` part');
    let bb: busboy.Busboy;
    try {
      bb = busboy({ headers: req.headers, defParamCharset: 'utf8', limits: { files: 1, fileSize: max, fields: 20, parts: 30 } });
    } catch (e) {
      throw new BadRequestException(`Malformed multipart body: ${(e as Error).message}`);
    }
    const id = randomUUID();
    const key = storageKeyOf(viewer.orgId, id);
    const stored = await new Promise<{ type: AttachmentType; mime: string; size: number; fileName: string | null }>((resolve, reject) => {
      let work: Promise<{ type: AttachmentType; mime: string; size: number; fileName: string | null }> | null = null;
      let refused: Error | null = null;
      let truncated = false;
      let settled = false;
      const fail = (e: Error) => {
        if (settled) return;
        settled = true;
        // Nothing more is read into storage; the rest of the body is drained, not left hanging.
        req.unpipe(bb);
        req.resume();
        reject(e);
      };
      bb.on('file', (name, stream, info) => {
        if (name !== 'file' || work || refused) {
          stream.resume();
          return;
        }
        const mime = (info.mimeType ?? '').toLowerCase();
        const type = uploadType(mime);
        if (!type) {
          refused = new UnsupportedMediaTypeException(`${mime || 'This type'} is not accepted: images, video/mp4, audio and application/pdf are`);
          stream.resume();
          return;
        }
        // Past the limit busboy cuts the file short and discards the rest: answered 413 once the body is read.
        stream.on('limit', () => (truncated = true));
        work = this.storage.put(key, stream, { contentType: mime }).then(({ size }) => ({ type, mime, size, fileName: info.filename ? cleanName(info.filename) : null }));
        work.catch((e: Error) => fail(e));
      });
      bb.on('error', (e) => fail(new BadRequestException(`Malformed multipart body: ${(e as Error).message}`)));
      bb.on('close', () => {
        if (settled) return;
        if (refused) return fail(refused);
        if (!work) return fail(new BadRequestException('A `file` part is required'));
        work.then(
          (v) => (truncated ? fail(new PayloadTooLargeException(`A file may be at most ${max} bytes`)) : ((settled = true), resolve(v))),
          (e: Error) => fail(e),
        );
      });
      req.pipe(bb);
    }).catch(async (e) => {
      await this.storage.delete(key).catch(() => undefined);
      throw e;
    });
    const row = await this.uow.run(() =>
      this.attachments.insertStored(viewer.orgId, {
        id,
        purpose: 'message',
        direction: 'out',
        type: stored.type,
        mimeType: stored.mime,
        size: stored.size,
        fileName: stored.fileName,
        storageKey: key,
        uploadedById: viewer.memberId,
      }),
    );
    return presentAttachment(row);
  }
}
