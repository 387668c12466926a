import 'reflect-metadata';
import { RequestMethod } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { mkdirSync, writeFileSync } from 'fs';
import { dirname, join } from 'path';

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
  // The same prefix rule as configureApp (src/app.setup.ts); only the /api/v1 operations matter to the console.
  app.setGlobalPrefix('api/v1', {
    exclude: [
      { path: 'health', method: RequestMethod.ALL },
      { path: 'health/live', method: RequestMethod.GET },
      { path: 'health/ready', method: RequestMethod.GET },
      { path: 'metrics', method: RequestMethod.GET },
      { path: 'webhooks/{*rest}', method: RequestMethod.ALL },
      { path: 'bind/:token', method: RequestMethod.GET },
      { path: 'media/:token', method: RequestMethod.GET },
    ],
  });
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
