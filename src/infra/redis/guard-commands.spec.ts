import Redis from 'ioredis';
import { guardCommands, SUBSCRIBE_COMMANDS } from './guard-commands';

/**
 * ioredis re-subscribes a subscriber connection when it comes back and never handles that
 * promise; closed in that instant (shutdown just as Redis answers again), the SUBSCRIBE rejects.
 * Here a client that cannot send stands in for that moment: a SUBSCRIBE nobody awaits.
 */
describe('guardCommands', () => {
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown) => rejections.push(reason);
  beforeAll(() => process.on('unhandledRejection', onRejection));
  afterAll(() => process.off('unhandledRejection', onRejection));

  function unreachable(): Redis {
    const client = new Redis('redis://127.0.0.1:1', { lazyConnect: true, enableOfflineQueue: false, retryStrategy: () => null });
    client.on('error', () => undefined);
    return client;
  }
  const turn = () => new Promise((r) => setTimeout(r, 20));

  it('turns a subscribe nobody awaits into a reported failure, not an unhandled rejection', async () => {
    const client = unreachable();
    const failures: unknown[] = [];
    guardCommands(client, SUBSCRIBE_COMMANDS, (e) => failures.push(e));
    void client.subscribe('directory');
    void client.psubscribe('socket.io#*');
    await turn();
    expect(failures).toHaveLength(2);
    expect(rejections).toEqual([]);
    // An awaited call still resolves (to 0): callers that handle it see no throw.
    await expect(client.unsubscribe('directory')).resolves.toBe(0);
    client.disconnect();
  });

});
