import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { mkdirSync, writeFileSync } from 'fs';
import { dirname, join } from 'path';
import { API_PREFIX, UNPREFIXED_ROUTES } from '../src/app.routes';

/**
 * Writes the server's OpenAPI document to web/src/api/openapi.json without connecting to
 * anything: the app is created in Nest's preview mode (modules and controllers are scanned,
 * no provider is instantiated, so no database or Redis is needed). The console's REST types
 * are generated from that file by `npm run web:types` (openapi-typescript).
 */
async function main(): Promise<void> {
  // Config validation runs when AppModule is imported: give it harmless values.
  process.env.JWT_SECRET ??= 'openapi-dump-secret-0123456789abcdef';
  process.env.SECRETS_KEY ??= Buffer.alloc(32, 1).toString('base64');
  process.env.LOG_LEVEL ??= 'silent';
  const { AppModule } = await import('../src/app.module');
  const { documentIdempotencyKey } = await import('../src/infra/http/idempotency.interceptor');
  const { documentCommonErrors, ErrorResponseDto } = await import('../src/infra/http/openapi');
  const app = await NestFactory.create(AppModule, { preview: true, logger: false, abortOnError: false });
  // The server's own prefix rule; only the /api/v1 operations matter to the console.
  app.setGlobalPrefix(API_PREFIX, { exclude: [...UNPREFIXED_ROUTES] });
  const config = new DocumentBuilder().setTitle('OmniInbox API').setVersion('1').addBearerAuth().build();
  const doc = documentCommonErrors(documentIdempotencyKey(SwaggerModule.createDocument(app, config, { extraModels: [ErrorResponseDto] })));
  const out = process.argv[2] ?? join(__dirname, '..', 'web', 'src', 'api', 'openapi.json');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(doc, null, 2)}\n`);
  console.log(`wrote ${out} (${Object.keys(doc.paths).length} paths)`);
  await app.close().catch(() => undefined);
  process.exit(0);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : e);
  process.exit(1);
});
