import { BadRequestException, CallHandler, ConflictException, ExecutionContext, INestApplication, Logger, NestInterceptor, UnprocessableEntityException } from '@nestjs/common';
import type { OpenAPIObject } from '@nestjs/swagger';
import { createHash } from 'crypto';
import type { Request, Response } from 'express';
import { defer, lastValueFrom, Observable } from 'rxjs';
import type { RequestWithViewer } from '../../modules/access/access.decorators';
import { UnitOfWork } from '../../modules/events/unit-of-work';
import { Db } from '../database/db';
import { IDEMPOTENCY_TTL_HOURS, IdempotencyRepository, IdempotencyScope } from './idempotency.repository';

export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';
export const IDEMPOTENT_REPLAYED_HEADER = 'Idempotent-Replayed';

/** 1–255 printable ASCII characters. */
const VALID_KEY = /^[\x20-\x7e]{1,255}$/;
const PURGE_EVERY_MS = 10 * 60_000;

/** JSON with object keys sorted at every level: equal bodies hash equally whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && !(value instanceof Date)) {
    const entries = Object.keys(value as object)
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * `Idempotency-Key` for every authenticated POST (registered globally in app.setup.ts). Without
 * the header, or on a public POST (signup, login, webhooks), nothing changes.
 *
 * With it, the whole request runs in ONE unit of work: the key is claimed, the handler runs (its
 * service's own `uow.run` joins this transaction), and the status and body are stored in the key's
 * row before the single COMMIT. So "written" and "key recorded" can never disagree: a request that
 * fails (4xx, 5xx, crash) rolls back its key too, and a corrected retry with the same key succeeds.
 *
 * - same member, route and key, same request (method, path, query, canonical JSON body) within
 *   24 h: the first answer again (same status and body) with `Idempotent-Replayed: true`;
 * - same key, different request: 422;
 * - same key while the first request is still running: 409 at once with `Retry-After: 1` (a
 *   non-blocking advisory lock: no waiting on the other transaction); a retry after it has
 *   answered gets the replay;
 * - an invalid key (not 1–255 printable ASCII characters): 400.
 *
 * With a key the whole handler, including what it does after its own `uow.run` (the detail read of
 * an action, a binding link's QR code), runs in that one transaction on one connection. The answer
 * is kept as jsonb: a replay carries the same values, object keys possibly in another order.
 */
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly logger = new Logger('Idempotency');
  private lastPurge = Date.now();

  constructor(
    private readonly uow: UnitOfWork,
    private readonly keys: IdempotencyRepository,
  ) {}

  static create(app: INestApplication): IdempotencyInterceptor {
    const db = app.get(Db);
    return new IdempotencyInterceptor(app.get(UnitOfWork), new IdempotencyRepository(db));
  }

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (ctx.getType() !== 'http') return next.handle();
    const req = ctx.switchToHttp().getRequest<Request & RequestWithViewer>();
    if (req.method !== 'POST' || !req.viewer) return next.handle();
    const header = req.headers[IDEMPOTENCY_KEY_HEADER.toLowerCase()];
    if (header === undefined) return next.handle();
    if (typeof header !== 'string' || !VALID_KEY.test(header)) {
      throw new BadRequestException(`${IDEMPOTENCY_KEY_HEADER} must be 1–255 printable ASCII characters`);
    }
    const res = ctx.switchToHttp().getResponse<Response>();
    const scope: IdempotencyScope = { memberId: req.viewer.memberId, route: `${req.method} ${routePattern(req)}`, key: header };
    const hash = requestHash(req);
    return defer(() => this.run(scope, hash, res, next));
  }

  private async run(scope: IdempotencyScope, hash: string, res: Response, next: CallHandler): Promise<unknown> {
    const answer = await this.uow.run(async () => {
      const claim = await this.keys.claim(scope, hash);
      if (claim.kind === 'busy' || (claim.kind === 'done' && claim.status === null)) {
        res.setHeader('Retry-After', '1');
        throw new ConflictException(`A request with this ${IDEMPOTENCY_KEY_HEADER} is still being processed; retry once it has been answered`);
      }
      if (claim.kind === 'done') {
        if (claim.requestHash !== hash) {
          throw new UnprocessableEntityException(
            `This ${IDEMPOTENCY_KEY_HEADER} was already used for a different request (method, path or body) in the last ${IDEMPOTENCY_TTL_HOURS} h; a new request needs a new key`,
          );
        }
        return { replayed: true, status: claim.status!, body: claim.body };
      }
      // next.handle() is called here so the handler runs in this unit of work's async context
      // (Nest binds it to the context it is called from); a retried unit of work calls it again.
      const body = await lastValueFrom(next.handle(), { defaultValue: undefined });
      const status = res.statusCode;
      await this.keys.complete(scope, status, body);
      return { replayed: false, status, body };
    });
    if (answer.replayed) {
      res.status(answer.status);
      res.setHeader(IDEMPOTENT_REPLAYED_HEADER, 'true');
      return answer.body ?? undefined;
    }
    this.maybePurge();
    return answer.body;
  }

  /** Expired keys are ignored on claim; their rows are deleted here, at most every 10 minutes per process, off the answer path. */
  private maybePurge(): void {
    if (Date.now() - this.lastPurge < PURGE_EVERY_MS) return;
    this.lastPurge = Date.now();
    void this.keys
      .purgeExpired()
      .then((n) => n && this.logger.log(`purged ${n} expired idempotency key(s)`))
      .catch((e: Error) => this.logger.warn(`purging expired idempotency keys failed: ${e.message}`));
  }
}

/** The route Express matched (`/api/v1/conversations/:id/messages`), not the concrete URL. */
function routePattern(req: Request): string {
  const pattern = (req.route as { path?: unknown } | undefined)?.path;
  return typeof pattern === 'string' ? pattern : req.path;
}

/** What makes two requests "the same": method, concrete path, query and the canonical JSON body. */
function requestHash(req: Request): string {
  const path = (req.originalUrl ?? req.url).split('?')[0];
  return createHash('sha256')
    .update(canonicalJson({ method: req.method, path, query: req.query ?? {}, body: req.body ?? null }))
    .digest('hex');
}

/** Documents the header on every authenticated POST of the OpenAPI document (those with a security requirement). */
export function documentIdempotencyKey(doc: OpenAPIObject): OpenAPIObject {
  for (const item of Object.values(doc.paths)) {
    const op = item.post;
    if (!op?.security?.length) continue;
    op.parameters = [
      ...(op.parameters ?? []),
      {
        name: IDEMPOTENCY_KEY_HEADER,
        in: 'header',
        required: false,
        schema: { type: 'string', minLength: 1, maxLength: 255 },
        description:
          `Optional; makes a retry safe. Same member, route, key and request within ${IDEMPOTENCY_TTL_HOURS} h: the first answer again ` +
          `with \`${IDEMPOTENT_REPLAYED_HEADER}: true\`; same key with a different request: 422; while the first is still running: 409.`,
      },
    ];
  }
  return doc;
}
