import { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import Redis from 'ioredis';
import { ServerOptions } from 'socket.io';

/**
 * socket.io over the shared Redis (`@socket.io/redis-adapter`): rooms span every API
 * process, so an event emitted anywhere reaches a socket connected anywhere.
 */
export class RedisIoAdapter extends IoAdapter {
  private pub?: Redis;
  private sub?: Redis;

  constructor(
    app: INestApplicationContext,
    private readonly redisUrl: string,
    private readonly key: string,
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: ServerOptions) {
    const server = super.createIOServer(port, { ...options, cors: { origin: true, credentials: true } });
    this.pub = new Redis(this.redisUrl, { maxRetriesPerRequest: null });
    this.sub = this.pub.duplicate();
    server.adapter(createAdapter(this.pub, this.sub, { key: this.key }));
    return server;
  }

  override async close(server: { close?: () => unknown }): Promise<void> {
    await super.close(server as never);
    this.pub?.disconnect();
    this.sub?.disconnect();
  }
}

export const socketKey = (redisPrefix: string) => `${redisPrefix}:socket.io`;
