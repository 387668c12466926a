import { io, Socket } from 'socket.io-client';

export interface Received {
  event: string;
  payload: any;
}

/** A socket.io client on `/inbox` that records every event it receives. */
export class InboxClient {
  readonly received: Received[] = [];
  constructor(readonly socket: Socket) {
    socket.onAny((event: string, payload: unknown) => this.received.push({ event, payload }));
  }

  take(): Received[] {
    return this.received.splice(0, this.received.length);
  }

  of(event: string): any[] {
    return this.received.filter((r) => r.event === event).map((r) => r.payload);
  }

  close(): void {
    this.socket.close();
  }
}

export function connectInbox(url: string, token: string): Promise<InboxClient> {
  return new Promise((resolve, reject) => {
    const socket = io(`${url}/inbox`, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
    const client = new InboxClient(socket);
    socket.once('connect', () => resolve(client));
    socket.once('connect_error', (e) => {
      socket.close();
      reject(e);
    });
  });
}

/** Apps of this test file (registered by startTestApp): `settle` waits for their relays. */
export const liveRelays = new Set<{ idle(): Promise<void> }>();

/**
 * Lets events in flight arrive: first every committed change is relayed by the apps of this
 * file (their subscribers have published), then `ms` for Redis to deliver to the sockets.
 */
export async function settle(ms = 150): Promise<void> {
  await Promise.all([...liveRelays].map((r) => r.idle()));
  await new Promise((r) => setTimeout(r, ms));
}
