import { io, type Socket } from 'socket.io-client';
import type { ConversationUpserted, Message, Notification } from './api/client';

/** What the console does with each `/inbox` event (docs/api.md, docs/asyncapi.yaml). */
export interface LiveHandlers {
  upserted(c: ConversationUpserted): void;
  removed(p: { conversationId: string }): void;
  message(m: Message): void;
  permissions(): void;
  notification(n: Notification): void;
  resync(): void;
  unauthorized(): void;
  connected(on: boolean): void;
}

/** Opens the `/inbox` socket with the REST token; the socket only receives, actions go through REST. */
export function connectLive(token: string, h: LiveHandlers): Socket {
  const socket = io(`${window.location.origin}/inbox`, { auth: { token }, transports: ['websocket'] });
  socket.on('connect', () => h.connected(true));
  socket.on('disconnect', () => h.connected(false));
  socket.on('connect_error', (e) => {
    if (e.message === 'unauthorized') h.unauthorized();
  });
  socket.on('conversation.upserted', h.upserted);
  socket.on('conversation.removed', h.removed);
  socket.on('message.created', h.message);
  socket.on('message.updated', h.message);
  socket.on('permissions.changed', h.permissions);
  socket.on('notification.created', h.notification);
  socket.on('resync', h.resync);
  return socket;
}
