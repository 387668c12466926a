import { io, type Socket } from 'socket.io-client';
import type { ConversationUpserted, Message, Notification } from './api/client';

/** What the console does with each `/inbox` event (docs/api.md, docs/asyncapi.yaml). */
export interface LiveHandlers {
  upserted(c: ConversationUpserted): void;
  removed(p: { conversationId: string }): void;
  message(m: Message): void;
  permissions(): void;
  notification(n: Notification): void;
  /** A customer's name, profile, tags or binding changed (a customer of a conversation I can read). */
  customer(c: { id: string; displayName: string }): void;
  /** A member near me in the tree changed presence (never my own: I set it). */
  presence(p: { memberId: string; presence: 'available' | 'away' | 'offline' }): void;
  resync(): void;
  unauthorized(): void;
  connected(on: boolean): void;
}

/** Opens the `/inbox` socket with the REST token; the socket only receives, actions go through REST. */
export function connectLive(token: string, h: LiveHandlers): Socket {
  const socket = io(`${window.location.origin}/inbox`, { auth: { token }, transports: ['websocket'] });
  socket.on('connect', () => h.connected(true));
  socket.on('disconnect', (reason) => {
    h.connected(false);
    // socket.io does not retry a server-side disconnect (deactivated member, revoked tokens, a
    // socket dropped for reading too slowly): reconnect, and let the handshake decide.
    if (reason === 'io server disconnect') socket.connect();
  });
  socket.on('connect_error', (e) => {
    if (e.message === 'unauthorized') h.unauthorized();
  });
  socket.on('conversation.upserted', h.upserted);
  socket.on('conversation.removed', h.removed);
  socket.on('message.created', h.message);
  socket.on('message.updated', h.message);
  socket.on('permissions.changed', h.permissions);
  socket.on('notification.created', h.notification);
  socket.on('customer.updated', h.customer);
  socket.on('presence.changed', h.presence);
  socket.on('resync', h.resync);
  return socket;
}
