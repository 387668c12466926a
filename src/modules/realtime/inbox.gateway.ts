import { Logger } from '@nestjs/common';
import { OnGatewayConnection, OnGatewayInit, WebSocketGateway } from '@nestjs/websockets';
import { Namespace, Socket } from 'socket.io';
import { TokenService } from '../access/token.service';
import { INBOX_NAMESPACE, memberRoom } from './realtime.events';

/**
 * The `/inbox` namespace. The handshake's `auth: { token }` is the REST JWT, resolved the
 * same way (a bad, expired, revoked or deactivated member's token gets `connect_error`).
 * Each socket joins its member's room; every event is addressed to member rooms only,
 * computed per event by the AccessPolicy (see RealtimeService).
 */
@WebSocketGateway({ namespace: INBOX_NAMESPACE })
export class InboxGateway implements OnGatewayInit, OnGatewayConnection {
  private readonly logger = new Logger('InboxGateway');

  constructor(private readonly tokens: TokenService) {}

  afterInit(ns: Namespace): void {
    ns.use((socket, next) => {
      const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
      this.tokens
        .resolve(typeof token === 'string' ? token : undefined)
        .then((viewer) => {
          if (!viewer) return next(new Error('unauthorized'));
          socket.data.memberId = viewer.memberId;
          socket.data.orgId = viewer.orgId;
          next();
        })
        .catch((e: Error) => {
          this.logger.warn(`handshake failed: ${e.message}`);
          next(new Error('unauthorized'));
        });
    });
  }

  async handleConnection(socket: Socket): Promise<void> {
    if (typeof socket.data.memberId !== 'string') {
      socket.disconnect(true);
      return;
    }
    await socket.join(memberRoom(socket.data.memberId));
  }
}
