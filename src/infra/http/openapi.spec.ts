import type { OpenAPIObject } from '@nestjs/swagger';
import { documentCommonErrors, ListOf, PageOf } from './openapi';

class WidgetDto {}

const doc = (paths: OpenAPIObject['paths']): OpenAPIObject => ({ openapi: '3.0.0', info: { title: 't', version: '1' }, paths });

describe('openapi helpers', () => {
  it('names envelopes after their item and reuses them', () => {
    expect(PageOf(WidgetDto).name).toBe('WidgetPage');
    expect(ListOf(WidgetDto).name).toBe('WidgetList');
    expect(PageOf(WidgetDto)).toBe(PageOf(WidgetDto));
  });

  it('adds the errors every operation of a kind can answer, keeping those declared', () => {
    const out = documentCommonErrors(
      doc({
        '/public': { get: { responses: { 200: { description: 'ok' } } } },
        '/things': {
          post: {
            security: [{ bearer: [] }],
            parameters: [{ name: 'Idempotency-Key', in: 'header' }],
            requestBody: { content: { 'application/json': { schema: {} } } },
            responses: { 201: { description: 'created' }, 409: { description: 'mine' } },
          },
          get: {
            security: [{ bearer: [] }],
            parameters: [{ name: 'limit', in: 'query' }],
            responses: { 200: { description: 'ok' }, 404: { description: 'gone', content: { 'application/octet-stream': { schema: { $ref: '#/components/schemas/ErrorResponseDto' } } } } },
          },
        },
      }),
    );
    expect(Object.keys(out.paths['/public'].get!.responses)).toEqual(['200', '503']);
    expect(Object.keys(out.paths['/things'].post!.responses)).toEqual(['201', '400', '401', '409', '413', '422', '503']);
    expect(out.paths['/things'].post!.responses[409]).toEqual({ description: 'mine', content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorResponseDto' } } } });
    expect(Object.keys(out.paths['/things'].get!.responses)).toEqual(['200', '400', '401', '404', '503']);
    expect(out.paths['/things'].get!.responses[404]).toEqual({ description: 'gone', content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorResponseDto' } } } });
    expect(out.paths['/things'].get!.responses[401]).toEqual({
      description: expect.stringMatching(/token/),
      content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorResponseDto' } } },
    });
  });
});
