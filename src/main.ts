import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module';
import { configureApp } from './app.setup';
import { appConfig, ConfigValidationError, loadAppConfig } from './infra/config/app.config';

/**
 * Last resort: a promise rejected with nobody to handle it is a bug to fix, not a reason to take
 * every connection down (Node ≥ 15 would exit). Redis and PostgreSQL outages are handled where
 * they happen (docs/operations-faults.md); this only makes sure a missed one is logged.
 */
process.on('unhandledRejection', (reason) => {
  new Logger('Process').error(`unhandled promise rejection: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}`);
});

async function bootstrap(): Promise<void> {
  try {
    loadAppConfig(process.env); // fail fast, before any connection is attempted
  } catch (e) {
    if (e instanceof ConfigValidationError) {
      console.error(e.message);
      process.exit(1);
    }
    throw e;
  }
  const app = await NestFactory.create<NestExpressApplication>(AppModule, { bufferLogs: true, bodyParser: false });
  configureApp(app);
  const cfg = app.get<ConfigType<typeof appConfig>>(appConfig.KEY);
  await app.listen(cfg.port);
}

// A server that cannot start exits (its supervisor restarts it); only later rejections are merely logged.
bootstrap().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : e);
  process.exit(1);
});
