import type Redis from 'ioredis';

/**
 * Some callers of these commands never handle their promise: ioredis itself re-subscribes a
 * subscriber connection when it reconnects (`autoResubscribe`), and so does the socket.io
 * adapter library. A failure then (Redis down again, the connection closed at shutdown right
 * after it came back) must be logged, never become an unhandled rejection.
 */
export function guardCommands(client: Redis, names: readonly string[], onError: (e: unknown) => void): void {
  const target = client as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  for (const name of names) {
    const original = target[name].bind(client);
    target[name] = (...args: unknown[]) =>
      original(...args).catch((e: unknown) => {
        onError(e);
        return 0;
      });
  }
}

/** The commands that put a connection in (or out of) subscriber mode. */
export const SUBSCRIBE_COMMANDS = ['psubscribe', 'subscribe', 'ssubscribe', 'punsubscribe', 'unsubscribe', 'sunsubscribe'] as const;
