import { applyDecorators, Type } from '@nestjs/common';
import type { OpenAPIObject } from '@nestjs/swagger';
import { ApiParam, ApiProperty, ApiResponse } from '@nestjs/swagger';
import type { OperationObject, ResponseObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';

/**
 * OpenAPI building blocks shared by every controller (docs/api.md). The document must be
 * complete enough for a generated client: test/openapi.e2e-spec.ts fails on any operation
 * without a summary, a typed success response, its security, or paging parameters.
 */

/** What every error looks like (src/infra/http/http-exception.filter.ts). */
export class ErrorResponseDto {
  @ApiProperty({ type: 'integer', example: 404, description: 'The HTTP status, repeated' })
  statusCode!: number;

  @ApiProperty({ example: 'Not Found', description: 'The reason phrase of the status' })
  error!: string;

  @ApiProperty({
    oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
    example: 'Conversation not found',
    description: 'What went wrong; a list of messages for a validation failure (400)',
  })
  message!: string | string[];
}

/** When each error status is answered (the per-operation list says which apply). */
export const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid request: validation failed (unknown fields are rejected), malformed JSON or an invalid cursor',
  401: 'Missing, invalid, expired or revoked bearer token',
  403: 'Authenticated, but lacking the permission for something it can see',
  404: 'Not found, or not visible to this member (a conversation you cannot read is 404, never 403)',
  409: 'Conflict: a unique value is taken, a concurrent change won, or the same Idempotency-Key is still being processed',
  413: 'Request body too large',
  415: 'Unsupported media type',
  422: 'Well-formed but not acceptable in the current state (e.g. an Idempotency-Key reused with a different request)',
  429: 'Too many attempts; retry after the time in Retry-After',
  503: 'The database or Redis is momentarily unavailable; retry after Retry-After (1 s)',
};

/** `@ApiErrors(403, 404, 409)`: error responses with the shared error body. */
export function ApiErrors(...statuses: number[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ...statuses.map((status) => ApiResponse({ status, description: ERROR_DESCRIPTIONS[status] ?? 'Error', type: ErrorResponseDto })),
  );
}

/** A path parameter holding a UUID (non-UUIDs answer 404, like an id of another org). */
export const ApiUuidParam = (name = 'id', description?: string) =>
  ApiParam({ name, type: String, format: 'uuid', ...(description ? { description } : {}) });

const pages = new Map<Type<unknown>, Type<unknown>>();

/**
 * The `{ items, nextCursor }` envelope of a keyset-paged list of `item`, as a named schema
 * (`MemberPage` for `MemberDto`). Pass `nextCursor` back as `cursor` for the next page.
 */
export function PageOf<T>(item: Type<T>): Type<{ items: T[]; nextCursor: string | null }> {
  const known = pages.get(item);
  if (known) return known as Type<{ items: T[]; nextCursor: string | null }>;
  class Page {
    @ApiProperty({ type: () => [item] })
    items!: T[];

    @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` to get the next page; null on the last page' })
    nextCursor!: string | null;
  }
  Object.defineProperty(Page, 'name', { value: `${item.name.replace(/Dto$/, '')}Page` });
  pages.set(item, Page);
  return Page;
}

const lists = new Map<Type<unknown>, Type<unknown>>();

/** The `{ items }` envelope of a complete (unpaged) list of `item` (`UnitList` for `UnitDto`). */
export function ListOf<T>(item: Type<T>): Type<{ items: T[] }> {
  const known = lists.get(item);
  if (known) return known as Type<{ items: T[] }>;
  class List {
    @ApiProperty({ type: () => [item] })
    items!: T[];
  }
  Object.defineProperty(List, 'name', { value: `${item.name.replace(/Dto$/, '')}List` });
  lists.set(item, List);
  return List;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;
const errorRef = { $ref: '#/components/schemas/ErrorResponseDto' };

/**
 * The errors every operation of a kind can answer, added where the controller did not list
 * them: 401 on authenticated operations, 400 and 413 where a body or query is validated, 409
 * and 422 where an Idempotency-Key is accepted, 503 everywhere (a database outage). Every
 * error response gets the shared body as `application/json` (the exception filter sends
 * nothing else), unless it declares a JSON body of its own (`/health` answers 503 with its report).
 */
export function documentCommonErrors(doc: OpenAPIObject): OpenAPIObject {
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of METHODS) {
      const op = item[method] as OperationObject | undefined;
      if (!op) continue;
      const params = (op.parameters ?? []) as { in?: string; name?: string }[];
      const statuses = new Set<number>([503]);
      if (op.security?.length) statuses.add(401);
      if (op.requestBody) [400, 413].forEach((s) => statuses.add(s));
      if (params.some((p) => p.in === 'query')) statuses.add(400);
      if (params.some((p) => p.in === 'header' && p.name === 'Idempotency-Key')) [409, 422].forEach((s) => statuses.add(s));
      for (const status of [...statuses].sort()) {
        if (op.responses[status]) continue;
        op.responses[status] = { description: ERROR_DESCRIPTIONS[status], content: { 'application/json': { schema: errorRef } } } satisfies ResponseObject;
      }
      for (const [status, response] of Object.entries(op.responses)) {
        const res = response as ResponseObject;
        if (Number(status) < 400 || path.startsWith('/health') || res.content?.['application/json']?.schema) continue;
        // No body declared, or only under the operation's success media type (@ApiProduces): it is the filter's JSON.
        res.content = { 'application/json': { schema: errorRef } };
      }
    }
  }
  return doc;
}
