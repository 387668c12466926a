import { INestApplicationContext, Logger } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import Redis from 'ioredis';
import { ServerOptions } from 'socket.io';
import { socketCorsFor } from '../../modules/auth/cross-origin';
import { APP_CONFIG, AppConfig } from '../config/app.config';
import { guardCommands, SUBSCRIBE_COMMANDS } from './guard-commands';
import { createRecoverableAdapter } from './recoverable-redis-adapter';
import { closeRedis, redisFailureLogger } from './socket-recovery';

export { socketKey } from './socket-recovery';

const DEFAULT_RECOVERY_MS = 120_000;

/**
 * socket.io over the shared Redis (`@socket.io/redis-adapter`): rooms span every API
 * process, so an event emitted anywhere reaches a socket connected anywhere. Connection-state
 * recovery (SPEC §20) is on: a socket that reconnects within the window, to any process,
 * gets the events it missed (see RecoverableRedisAdapter and docs/realtime.md).
 */
export class RedisIoAdapter extends IoAdapter {
  private readonly logger = new Logger('RedisIoAdapter');
  private pub?: Redis;
  private sub?: Redis;
  /** Blocking stream readers (one per namespace with sockets): nothing to flush, just closed. */
  private readonly readers: Redis[] = [];

  constructor(
    private readonly app: INestApplicationContext,
    private readonly redisUrl: string,
    private readonly key: string,
    /** Defaults to `REALTIME_RECOVERY_SECONDS` from the app's configuration. */
    private readonly recoveryWindowMs?: number,
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: ServerOptions) {
    const windowMs = this.recoveryWindowMs ?? this.configuredWindowMs();
    const server = super.createIOServer(port, {
      ...options,
      // Only CORS_ORIGINS (default the PUBLIC_URL origin) may open sockets from a browser.
      cors: socketCorsFor(this.app),
      // Middlewares are skipped on a successful recovery so the socket is back in its rooms in
      // the same tick as the replay (no gap); RecoverableRedisAdapter instead re-checks the
      // member (active, token version) through the gateway's guard before restoring.
      connectionStateRecovery: { maxDisconnectionDuration: windowMs, skipMiddlewares: true },
    });
    this.pub = new Redis(this.redisUrl, { maxRetriesPerRequest: null });
    this.sub = this.pub.duplicate();
    this.pub.on('error', redisFailureLogger(this.logger, 'socket.io Redis (publish) connection'));
    this.sub.on('error', redisFailureLogger(this.logger, 'socket.io Redis (subscribe) connection'));
    const commandFailed = redisFailureLogger(this.logger, 'socket.io Redis command failed');
    guardCommands(this.pub, ['publish'], commandFailed);
    guardCommands(this.sub, SUBSCRIBE_COMMANDS, commandFailed);
    const readerError = redisFailureLogger(this.logger, 'socket.io Redis (stream reader) connection');
    const readerConnection = () => {
      const c = this.pub!.duplicate();
      c.on('error', readerError);
      this.readers.push(c);
      return c;
    };
    server.adapter(createRecoverableAdapter(this.pub, this.sub, { key: this.key, windowMs, readerConnection, maxSocketBufferBytes: this.configured()?.realtimeMaxSocketBufferBytes }));
    return server;
  }

  override async close(server: { close?: () => unknown }): Promise<void> {
    await super.close(server as never);
    this.readers.forEach((r) => r.disconnect());
    // QUIT, not disconnect: sessions persisted by sockets closing just now are written first
    await Promise.all([closeRedis(this.pub), closeRedis(this.sub)]);
  }

  private configured(): AppConfig | undefined {
    try {
      return this.app.get<AppConfig>(APP_CONFIG, { strict: false });
    } catch {
      return undefined;
    }
  }

  private configuredWindowMs(): number {
    try {
      return this.app.get<AppConfig>(APP_CONFIG, { strict: false }).realtimeRecoveryMs ?? DEFAULT_RECOVERY_MS;
    } catch {
      return DEFAULT_RECOVERY_MS;
    }
  }
}

