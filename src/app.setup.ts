import { INestApplication, ValidationPipe } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { NestExpressApplication } from '@nestjs/platform-express';
import type { IncomingMessage } from 'http';
import { Logger } from 'nestjs-pino';
import { setupApiDocs } from './app.docs';
import { API_PREFIX, UNPREFIXED_ROUTES } from './app.routes';
import { appConfig } from './infra/config/app.config';
import { HttpExceptionFilter } from './infra/http/http-exception.filter';
import { IdempotencyInterceptor } from './infra/http/idempotency.interceptor';
import { RedisIoAdapter, socketKey } from './infra/redis/redis-io.adapter';
import { restCorsOptions } from './modules/auth/cross-origin';

/** /webhooks and everything below it (Express matches paths case-insensitively, so this does too). */
export const isWebhookRequest = (req: IncomingMessage): boolean => /^\/webhooks(?:[/?#]|$)/i.test(req.url ?? '');

/** Everything main.ts and the e2e tests share, so tests drive exactly the server users run. */
export function configureApp(app: INestApplication): void {
  const cfg = app.get<ConfigType<typeof appConfig>>(appConfig.KEY);
  const express = app as NestExpressApplication;
  express.useLogger(app.get(Logger));
  // TRUST_PROXY: whose X-Forwarded-For decides req.ip, the client address login throttling counts.
  express.set('trust proxy', cfg.trustProxy);
  // CORS_ORIGINS (default the PUBLIC_URL origin) get CORS headers; other origins get none.
  app.enableCors(restCorsOptions(cfg.corsOrigins));
  // Webhooks keep their raw bytes (any content type): signatures are computed over exactly what the
  // provider sent. Registered first; the JSON/form parsers skip a body that has already been read.
  express.useBodyParser('raw', { type: isWebhookRequest, limit: cfg.webhookBodyLimit });
  express.useBodyParser('json', { limit: cfg.bodyLimit });
  express.useBodyParser('urlencoded', { limit: cfg.bodyLimit, extended: false });
  app.setGlobalPrefix(API_PREFIX, { exclude: [...UNPREFIXED_ROUTES] });
  app.useGlobalPipes(
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      transformOptions: { enableImplicitConversion: false },
    }),
  );
  app.useGlobalFilters(new HttpExceptionFilter());
  // Idempotency-Key on authenticated POSTs: key and write commit in one transaction (idempotency.interceptor.ts).
  app.useGlobalInterceptors(IdempotencyInterceptor.create(app));
  app.useWebSocketAdapter(new RedisIoAdapter(app, cfg.redisUrl, socketKey(cfg.redisPrefix)));
  app.enableShutdownHooks();

  // OpenAPI at /api/docs (JSON /api/docs-json), AsyncAPI at /api/docs/asyncapi.yaml: docs/api.md.
  setupApiDocs(app);
}
