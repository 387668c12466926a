import { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { randomBytes } from 'crypto';
import Redis from 'ioredis';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { AppModule } from '../../src/app.module';
import { configureApp } from '../../src/app.setup';
import { EventRelay } from '../../src/modules/events/event-relay';
import { createDatabaseFromTemplate, databaseUrl, dropDatabase } from './databases';
import { liveRelays } from './sockets';

export interface TestApp {
  app: INestApplication;
  dbName: string;
  /** Base URL when started with `listen` (socket.io clients need a real port). */
  url: string | null;
  env: Record<string, string>;
  http(): ReturnType<typeof request>;
  /** A supertest agent that sends `Authorization: Bearer <token>`. */
  as(token: string): AuthedClient;
  /** Direct SQL against this file's database, for assertions and setup shortcuts. */
  query<T = any>(sql: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

export interface AuthedClient {
  get(path: string): request.Test;
  post(path: string, body?: object): request.Test;
  patch(path: string, body?: object): request.Test;
  put(path: string, body?: object): request.Test;
  delete(path: string): request.Test;
}

export const TEST_SECRETS_KEY = Buffer.alloc(32, 11).toString('base64');

/**
 * Boots the real AppModule on its own fresh database (cloned from the migrated template)
 * and its own Redis key prefix, so test files never see each other's data.
 */
export async function startTestApp(
  envOverrides: Record<string, string> = {},
  opts: {
    listen?: boolean;
    shareWith?: TestApp;
    /**
     * The caller's `DATABASE_URL` override names a database it created and migrated itself (a
     * private PostgreSQL: test/support/own-services.ts): no clone of the template, not dropped on close.
     */
    ownDatabase?: boolean;
    /** `REDIS_URL` is a private Redis the caller throws away: its keys are not cleaned up on close. */
    ownRedis?: boolean;
  } = {},
): Promise<TestApp> {
  if (opts.ownDatabase && !envOverrides.DATABASE_URL) throw new Error('ownDatabase needs a DATABASE_URL override');
  const template = process.env.OMNI_TEST_TEMPLATE_DB;
  if (!template && !opts.ownDatabase) throw new Error('OMNI_TEST_TEMPLATE_DB is not set: run e2e tests through jest (globalSetup)');
  // A second instance (another "server process") shares the first one's database and Redis prefix.
  const dbName =
    opts.shareWith?.dbName ??
    (opts.ownDatabase
      ? decodeURIComponent(new URL(envOverrides.DATABASE_URL).pathname.slice(1))
      : `omni_t_${process.pid}_${randomBytes(4).toString('hex')}_${Date.now().toString(36)}`);
  if (!opts.shareWith && !opts.ownDatabase) await createDatabaseFromTemplate(dbName, template!);

  const env: Record<string, string> = {
    DATABASE_URL: databaseUrl(dbName),
    REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
    REDIS_PREFIX: dbName,
    JWT_SECRET: 'test-jwt-secret-0123456789abcdef',
    SECRETS_KEY: TEST_SECRETS_KEY,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    PUBLIC_URL: 'http://omni.test',
    LOGIN_THROTTLE_LIMIT: '1000',
    // The pool is opened whole at boot and kept: several apps per file × jest workers must stay under max_connections.
    DATABASE_POOL_SIZE: '5',
    ...envOverrides,
  };
  Object.assign(process.env, env);

  const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
  const app = moduleRef.createNestApplication({ bodyParser: false, bufferLogs: true });
  configureApp(app);
  let url: string | null = null;
  if (opts.listen) {
    await app.listen(0, '127.0.0.1');
    url = await app.getUrl();
  } else {
    await app.init();
  }

  const relay = app.get(EventRelay);
  liveRelays.add(relay);
  const server = app.getHttpServer();
  const withAuth = (t: request.Test, token: string) => t.set('Authorization', `Bearer ${token}`);
  return {
    app,
    dbName,
    url,
    env,
    http: () => request(server),
    as: (token: string) => ({
      get: (p) => withAuth(request(server).get(p), token),
      post: (p, b) => withAuth(request(server).post(p), token).send(b ?? {}),
      patch: (p, b) => withAuth(request(server).patch(p), token).send(b ?? {}),
      put: (p, b) => withAuth(request(server).put(p), token).send(b ?? {}),
      delete: (p) => withAuth(request(server).delete(p), token),
    }),
    query: (sql, params) => app.get(DataSource).query(sql, params),
    close: async () => {
      liveRelays.delete(relay);
      await app.close();
      if (opts.shareWith) return;
      if (!opts.ownDatabase) await dropDatabase(dbName);
      if (!opts.ownRedis) await deleteRedisKeys(env.REDIS_URL, `${dbName}:*`);
    },
  };
}

async function deleteRedisKeys(url: string, pattern: string): Promise<void> {
  const redis = new Redis(url);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
