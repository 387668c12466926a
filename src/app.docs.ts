import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { documentIdempotencyKey } from './infra/http/idempotency.interceptor';
import { documentCommonErrors, ErrorResponseDto } from './infra/http/openapi';
import { asyncApiJson, asyncApiYaml } from './modules/realtime/realtime.asyncapi';

/** Where the machine-readable API descriptions are served (all public, outside /api/v1). */
export const API_DOCS = {
  ui: '/api/docs',
  openApiJson: '/api/docs-json',
  openApiYaml: '/api/docs-yaml',
  asyncApiYaml: '/api/docs/asyncapi.yaml',
  asyncApiJson: '/api/docs/asyncapi.json',
} as const;

/**
 * The OpenAPI document (REST) and the AsyncAPI document (the `/inbox` socket events); see
 * docs/api.md. test/openapi.e2e-spec.ts fails when an operation is left undocumented.
 */
export function setupApiDocs(app: INestApplication): void {
  const config = new DocumentBuilder()
    .setTitle('OmniInbox API')
    .setDescription(
      'Real-time omnichannel inbox: organisations, permission-scoped folders, channels, binding. ' +
        `Conventions (auth, pagination, errors, idempotency keys): docs/api.md. Socket events: ${API_DOCS.asyncApiYaml}.`,
    )
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'The accessToken of POST /api/v1/auth/login or POST /api/v1/orgs' })
    .build();
  const build = () => documentCommonErrors(documentIdempotencyKey(SwaggerModule.createDocument(app, config, { extraModels: [ErrorResponseDto] })));
  SwaggerModule.setup(API_DOCS.ui.slice(1), app, build, {
    jsonDocumentUrl: API_DOCS.openApiJson.slice(1),
    yamlDocumentUrl: API_DOCS.openApiYaml.slice(1),
  });
  const http = app.getHttpAdapter();
  http.get(API_DOCS.asyncApiYaml, (_req: Request, res: Response) => res.type('application/yaml; charset=utf-8').send(asyncApiYaml()));
  http.get(API_DOCS.asyncApiJson, (_req: Request, res: Response) => res.json(asyncApiJson()));
}
