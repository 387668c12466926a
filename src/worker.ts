import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { ConfigValidationError, loadAppConfig } from './infra/config/app.config';

/** `npm run start:worker`: the BullMQ workers alone, no HTTP server. */
async function bootstrap(): Promise<void> {
  process.env.RUN_WORKERS = 'true';
  try {
    loadAppConfig(process.env);
  } catch (e) {
    if (e instanceof ConfigValidationError) {
      console.error(e.message);
      process.exit(1);
    }
    throw e;
  }
  const app = await NestFactory.createApplicationContext(AppModule, { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  await app.init();
}

void bootstrap();
