import { INestApplication, RequestMethod, ValidationPipe } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { NestExpressApplication } from '@nestjs/platform-express';
import { raw } from 'express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { appConfig } from './infra/config/app.config';
import { HttpExceptionFilter } from './infra/http/http-exception.filter';
import { RedisIoAdapter, socketKey } from './infra/redis/redis-io.adapter';

/** Everything main.ts and the e2e tests share, so tests drive exactly the server users run. */
export function configureApp(app: INestApplication): void {
  const cfg = app.get<ConfigType<typeof appConfig>>(appConfig.KEY);
  const express = app as NestExpressApplication;
  express.useLogger(app.get(Logger));
  express.set('trust proxy', 'loopback');
  // Webhooks keep their raw bytes: signatures are computed over exactly what the provider sent.
  express.use('/webhooks', raw({ type: () => true, limit: cfg.webhookBodyLimit }));
  express.useBodyParser('json', { limit: cfg.bodyLimit });
  express.useBodyParser('urlencoded', { limit: cfg.bodyLimit, extended: false });
  app.setGlobalPrefix('api/v1', {
    exclude: [
      { path: 'health', method: RequestMethod.ALL },
      { path: 'webhooks/{*rest}', method: RequestMethod.ALL },
      { path: 'bind/:token', method: RequestMethod.GET },
    ],
  });
  app.useGlobalPipes(
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      transformOptions: { enableImplicitConversion: false },
    }),
  );
  app.useGlobalFilters(new HttpExceptionFilter());
  app.useWebSocketAdapter(new RedisIoAdapter(app, cfg.redisUrl, socketKey(cfg.redisPrefix)));
  app.enableShutdownHooks();

  const doc = new DocumentBuilder()
    .setTitle('OmniInbox API')
    .setDescription('Real-time omnichannel inbox: organisations, permission-scoped folders, channels, binding.')
    .setVersion('1')
    .addBearerAuth()
    .build();
  SwaggerModule.setup('api/docs', app, () => SwaggerModule.createDocument(app, doc), { jsonDocumentUrl: 'api/docs-json' });
}
