import { Logger } from '@nestjs/common';
import { OnGatewayConnection, OnGatewayDisconnect, OnGatewayInit, WebSocketGateway } from '@nestjs/websockets';
import { Namespace, Socket } from 'socket.io';
import { RecoverableRedisAdapter } from '../../infra/redis/recoverable-redis-adapter';
import { TokenService } from '../access/token.service';
import { ViewerRepository } from '../access/viewer.repository';
import { PresenceService } from '../presence/presence.service';
import { INBOX_NAMESPACE, memberRoom, RealtimeEvent } from './realtime.events';

/** What a socket carries (and what a disconnected session keeps for the recovery window). */
interface InboxSocketData {
  memberId?: string;
  orgId?: string;
  /** The token's version: a password reset bumps the member's, revoking the session too. */
  tokenVersion?: number;
  /** The token's expiry (seconds since the epoch). */
  exp?: number;
}

/**
 * The `/inbox` namespace. The handshake's `auth: { token }` is the REST JWT, resolved the
 * same way (a bad, expired, revoked or deactivated member's token gets `connect_error`).
 * Each socket joins its member's room; every event is addressed to member rooms only,
 * computed per event by the AccessPolicy (see RealtimeService).
 *
 * Reconnects (SPEC §20): socket.io-client offers its previous session and the offset of the
 * last event it got; when the adapter can replay what was missed the socket comes back
 * `recovered` with those events, in order. When it cannot (too late, offset no longer kept,
 * member revoked), the socket is connected afresh and gets `resync` `{ reason }` at once,
 * so the client refetches. A brand-new connection gets no `resync`.
 */
@WebSocketGateway({ namespace: INBOX_NAMESPACE })
export class InboxGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect {
  private readonly logger = new Logger('InboxGateway');
  private adapter?: RecoverableRedisAdapter;
  private ns?: Namespace;

  constructor(
    private readonly tokens: TokenService,
    private readonly viewers: ViewerRepository,
    private readonly presence: PresenceService,
  ) {}

  /** Sockets connected to this process (`omni_open_sockets`). */
  openSockets(): number {
    return this.ns?.sockets.size ?? 0;
  }

  afterInit(ns: Namespace): void {
    this.ns = ns;
    ns.use((socket, next) => {
      const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
      this.tokens
        .resolve(typeof token === 'string' ? token : undefined)
        .then((viewer) => {
          if (!viewer) return next(new Error('unauthorized'));
          const data: InboxSocketData = { memberId: viewer.memberId, orgId: viewer.orgId, tokenVersion: viewer.tokenVersion, exp: tokenExpiry(token as string) };
          Object.assign(socket.data, data);
          next();
        })
        .catch((e: Error) => {
          this.logger.warn(`handshake failed: ${e.message}`);
          next(new Error('unauthorized'));
        });
    });
    if (ns.adapter instanceof RecoverableRedisAdapter) {
      this.adapter = ns.adapter;
      // A recovered socket skips the middleware (so it rejoins its rooms without a gap): the
      // member behind the session is re-checked here instead, before anything is replayed.
      this.adapter.setRestoreGuard((data) => this.mayRestore(data as InboxSocketData));
    }
  }

  async handleConnection(socket: Socket): Promise<void> {
    const data = socket.data as InboxSocketData;
    if (typeof data.memberId !== 'string') {
      socket.disconnect(true);
      return;
    }
    if (typeof data.orgId === 'string') this.trackPresence(() => this.presence.socketConnected(data.orgId!, data.memberId!));
    if (socket.recovered) return; // rooms and missed events restored by the adapter
    await socket.join(memberRoom(data.memberId));
    const auth = socket.handshake.auth as { pid?: unknown; offset?: unknown } | undefined;
    if (typeof auth?.pid === 'string') {
      // A reconnect that could not be replayed: the client must refetch what it shows.
      const reason = this.adapter?.takeRestoreFailure(auth.pid) ?? (typeof auth.offset === 'string' ? 'unavailable' : 'no-offset');
      socket.emit(RealtimeEvent.Resync, { reason });
    }
  }

  handleDisconnect(socket: Socket): void {
    const data = socket.data as InboxSocketData;
    if (typeof data.memberId === 'string' && typeof data.orgId === 'string') this.trackPresence(() => this.presence.socketDisconnected(data.orgId!, data.memberId!));
  }

  /** Presence (docs/routing.md) never holds up a socket: a Redis failure is logged, the sweep catches up. */
  private trackPresence(work: () => Promise<unknown>): void {
    work().catch((e: Error) => this.logger.warn(`presence: ${e.message}`));
  }

  private async mayRestore(data: InboxSocketData | undefined): Promise<boolean> {
    if (typeof data?.memberId !== 'string' || typeof data.orgId !== 'string') return false;
    if (typeof data.exp === 'number' && data.exp * 1000 <= Date.now()) return false;
    const viewer = await this.viewers.findActive(data.orgId, data.memberId);
    return viewer !== null && viewer.tokenVersion === data.tokenVersion;
  }
}

/** `exp` of a JWT that has just been verified. */
function tokenExpiry(token: string): number | undefined {
  try {
    const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof claims.exp === 'number' ? claims.exp : undefined;
  } catch {
    return undefined;
  }
}
