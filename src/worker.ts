import 'reflect-metadata';
import { Logger as NestLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { ConfigValidationError, loadAppConfig } from './infra/config/app.config';

/**
 * Last resort: a promise rejected with nobody to handle it is a bug to fix, not a reason to take
 * every connection down (Node ≥ 15 would exit). Redis and PostgreSQL outages are handled where
 * they happen (docs/operations-faults.md); this only makes sure a missed one is logged.
 */
process.on('unhandledRejection', (reason) => {
  new NestLogger('Process').error(`unhandled promise rejection: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}`);
});

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

// A server that cannot start exits (its supervisor restarts it); only later rejections are merely logged.
bootstrap().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : e);
  process.exit(1);
});
