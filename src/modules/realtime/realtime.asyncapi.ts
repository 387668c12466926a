import { stringify } from 'yaml';
import { FOLDERS } from '../access/permissions';
import { INBOX_NAMESPACE, RealtimeEvent } from './realtime.events';

/**
 * The AsyncAPI 3.0 description of the `/inbox` socket.io namespace: the handshake and every
 * server → client event with its payload and audience. Served at /api/docs/asyncapi.yaml
 * (and .json); docs/asyncapi.yaml is this document rendered (`npm run docs:asyncapi`).
 * test/openapi.e2e-spec.ts fails when an event of `RealtimeEvent` (or any event name emitted
 * in src/) is missing here, when a payload drifts from its REST schema, or when
 * docs/asyncapi.yaml is stale. Add a new event to `EVENTS` below.
 */

type Schema = Record<string, unknown>;

const uuid = { type: 'string', format: 'uuid' } as const;
const nullable = (s: Schema): Schema => ({ oneOf: [s, { type: 'null' }] });
const dateTime = { type: 'string', format: 'date-time' } as const;
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const object = (properties: Record<string, Schema>, optional: string[] = [], extra: Schema = {}): Schema => ({
  type: 'object',
  properties,
  required: Object.keys(properties).filter((k) => !optional.includes(k)),
  ...extra,
});

/** Payload schemas; each mirrors the REST schema named in its description. */
const schemas: Record<string, Schema> = {
  Attachment: object(
    {
      id: uuid,
      type: { type: 'string', description: 'image, video, audio, file, sticker, location, …' },
      mimeType: nullable({ type: 'string' }),
      size: nullable({ type: 'integer' }),
      fileName: nullable({ type: 'string' }),
      status: { type: 'string', enum: ['pending', 'stored', 'failed'] },
      url: nullable({ type: 'string' }),
    },
    [],
    { additionalProperties: true, description: 'As REST `AttachmentResponseDto` (stickers and locations carry more fields)' },
  ),
  Message: object(
    {
      id: uuid,
      conversationId: uuid,
      direction: { type: 'string', enum: ['in', 'out'] },
      kind: { type: 'string', description: '`text`, `note` (internal), `system`, or a media kind' },
      contentType: { type: 'string' },
      text: nullable({ type: 'string' }),
      attachments: { type: 'array', items: ref('Attachment') },
      private: { type: 'boolean' },
      redacted: { type: 'boolean', description: 'Content withheld from this recipient (private): no text, no attachments, no sender member' },
      sender: object({ type: { type: 'string', enum: ['customer', 'member', 'system'] }, memberId: uuid }, ['memberId']),
      status: nullable({ type: 'string', enum: ['queued', 'sent', 'delivered', 'read', 'failed'] }),
      error: nullable({ type: 'string' }),
      createdAt: dateTime,
    },
    [],
    { description: 'As REST `MessageDto`, redacted for the recipient' },
  ),
  ConversationUpserted: object(
    {
      id: uuid,
      status: { type: 'string', enum: ['open', 'done', 'trashed'] },
      channelAccountId: uuid,
      assigneeId: nullable(uuid),
      assigneeUnitId: nullable(uuid),
      assignedAt: nullable(dateTime),
      boundUnitId: nullable(uuid),
      lastCustomerMessageAt: dateTime,
      lastAgentReplyAt: nullable(dateTime),
      lastActivityAt: dateTime,
      lastMessage: nullable(ref('Message')),
      customer: object({ id: uuid, displayName: { type: 'string' } }),
      folders: { type: 'array', items: { type: 'string', enum: [...FOLDERS] }, description: "The recipient's folders that hold the conversation now" },
    },
    [],
    { description: 'REST `ConversationSummaryDto` plus `folders`' },
  ),
  ConversationRemoved: object({ conversationId: uuid }),
  Customer: object(
    {
      id: uuid,
      displayName: { type: 'string' },
      avatarUrl: nullable({ type: 'string', description: 'The stored profile picture (GET it with your token)' }),
      channelAccountId: uuid,
      boundUnitId: nullable(uuid),
      boundMemberId: nullable(uuid),
      followed: { type: 'boolean' },
      profile: { type: 'object', additionalProperties: true, description: 'Only with customer.profile.view; sensitive fields always masked over sockets' },
      masked: { type: 'array', items: { type: 'string' } },
      tags: { type: 'array', items: { type: 'string' }, description: 'Only with customer.tags.view' },
    },
    ['profile', 'masked', 'tags'],
    { description: "As REST `CustomerDto`, filtered by the recipient's field permissions" },
  ),
  Notification: object(
    {
      id: uuid,
      type: { type: 'string', description: '`customer.bound`, `conversation.transfer_timeout`, `mention`, …' },
      payload: { type: 'object', additionalProperties: true },
      readAt: nullable(dateTime),
      createdAt: dateTime,
    },
    [],
    { description: 'As REST `NotificationDto`' },
  ),
  PermissionsChanged: object({
    memberId: uuid,
    roleId: uuid,
    unitId: uuid,
    channelAccountIds: { type: 'array', items: uuid, description: 'Channel scope; empty = all' },
    permissions: { type: 'array', items: { type: 'string' } },
    folders: { type: 'array', items: { type: 'string', enum: [...FOLDERS] } },
  }),
  PresenceChanged: object({ memberId: uuid, presence: { type: 'string', enum: ['available', 'away', 'offline'] } }),
  Resync: object({
    reason: {
      type: 'string',
      enum: ['expired', 'unavailable', 'too-many', 'no-offset', 'error', 'slow-consumer'],
      description: 'Why missed events cannot be replayed',
    },
  }),
};

interface EventSpec {
  /** The socket.io event name. */
  event: string;
  key: string;
  payload: string;
  summary: string;
  /** Who receives it. */
  audience: string;
}

/** Every server → client event on /inbox. */
export const EVENTS: readonly EventSpec[] = [
  {
    event: RealtimeEvent.ConversationUpserted,
    key: 'conversationUpserted',
    payload: 'ConversationUpserted',
    summary: 'A conversation was created or changed (status, assignee, binding, last message…); apply by id',
    audience: 'Every member who can read the conversation after the change, each with their own folders',
  },
  {
    event: RealtimeEvent.ConversationRemoved,
    key: 'conversationRemoved',
    payload: 'ConversationRemoved',
    summary: 'A conversation left all of your folders; drop it',
    audience: 'Every member who could read the conversation before the change and cannot now',
  },
  {
    event: RealtimeEvent.MessageCreated,
    key: 'messageCreated',
    payload: 'Message',
    summary: 'A new message or internal note',
    audience: 'Every member who can read the conversation; private content redacted unless they hold conversation.private.view',
  },
  {
    event: RealtimeEvent.MessageUpdated,
    key: 'messageUpdated',
    payload: 'Message',
    summary: 'A message changed: delivery status, error, attachment stored',
    audience: 'Every member who can read the conversation; redacted as for message.created',
  },
  {
    event: RealtimeEvent.CustomerUpdated,
    key: 'customerUpdated',
    payload: 'Customer',
    summary: 'A customer changed: name, profile, tags, binding, follow state',
    audience: "Every member who can read the customer's conversation, filtered by their field permissions",
  },
  {
    event: RealtimeEvent.NotificationCreated,
    key: 'notificationCreated',
    payload: 'Notification',
    summary: 'A new entry in your notification center',
    audience: 'Its recipient only',
  },
  {
    event: RealtimeEvent.PermissionsChanged,
    key: 'permissionsChanged',
    payload: 'PermissionsChanged',
    summary: 'Your effective permissions, folders, unit or channel scope changed; refetch folder lists',
    audience: 'The member concerned only',
  },
  {
    event: RealtimeEvent.PresenceChanged,
    key: 'presenceChanged',
    payload: 'PresenceChanged',
    summary: 'A member became available, away or offline',
    audience: "Members of the member's unit, its ancestors and its children",
  },
  {
    event: RealtimeEvent.Resync,
    key: 'resync',
    payload: 'Resync',
    summary: 'Missed events cannot be replayed: refetch GET /me, GET /folders, the open folder pages and the open conversation',
    audience: 'One socket: a reconnect that could not be recovered, or a socket dropped for reading too slowly',
  },
];

const DESCRIPTION = `Server → client events of the OmniInbox \`${INBOX_NAMESPACE}\` socket.io namespace (socket.io v4).

**Handshake**: connect to the \`${INBOX_NAMESPACE}\` namespace with \`auth: { token }\`, the same JWT as REST
(\`accessToken\` of POST /api/v1/auth/login). A missing, invalid, expired or revoked token, or a deactivated
member, gets \`connect_error\` with message \`unauthorized\`. Deactivation and password resets disconnect
live sockets at once.

**Who receives what**: every event is addressed to individual members, never broadcast; a socket receives an
event only if its member could read the same data over REST at that moment. Payloads are the REST shapes,
redacted and filtered for each recipient.

**Reconnecting**: the server enables socket.io connection-state recovery. Each replayable event carries its
stream offset as one extra trailing argument (handlers written \`(payload) => …\` never notice it). A client
that reconnects within the recovery window (REALTIME_RECOVERY_SECONDS, default 120) comes back with
\`socket.recovered === true\` and receives the missed events in order; otherwise it gets \`resync\`.

The client sends no events of its own: actions go through REST.`;

/** The AsyncAPI 3.0 document. */
export function asyncApiDocument(): Record<string, unknown> {
  const messages = Object.fromEntries(
    EVENTS.map((e) => [
      e.key,
      {
        name: e.event,
        title: e.event,
        summary: e.summary,
        contentType: 'application/json',
        payload: ref(e.payload),
        'x-audience': e.audience,
      },
    ]),
  );
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'OmniInbox real-time events',
      version: '1',
      description: DESCRIPTION,
    },
    defaultContentType: 'application/json',
    servers: {
      api: {
        host: 'localhost:3000',
        protocol: 'ws',
        pathname: '/socket.io',
        description: 'The API server (PUBLIC_URL); socket.io over WebSocket or HTTP long-polling',
        security: [{ $ref: '#/components/securitySchemes/handshakeToken' }],
      },
    },
    channels: {
      inbox: {
        address: INBOX_NAMESPACE,
        title: 'Inbox namespace',
        description: 'The socket.io namespace every client connects to; each socket joins its own member room.',
        messages: Object.fromEntries(EVENTS.map((e) => [e.key, { $ref: `#/components/messages/${e.key}` }])),
      },
    },
    operations: Object.fromEntries(
      EVENTS.map((e) => [
        `receive${e.key[0].toUpperCase()}${e.key.slice(1)}`,
        {
          action: 'receive',
          channel: { $ref: '#/channels/inbox' },
          summary: e.summary,
          description: `Sent to: ${e.audience}.`,
          messages: [{ $ref: `#/channels/inbox/messages/${e.key}` }],
          'x-audience': e.audience,
        },
      ]),
    ),
    components: {
      securitySchemes: {
        handshakeToken: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'The REST access token, sent in the socket.io handshake as `auth: { token }` (not as a header)',
        },
      },
      messages,
      schemas,
    },
  };
}

export const asyncApiJson = (): Record<string, unknown> => asyncApiDocument();

export const asyncApiYaml = (): string =>
  `# Generated from src/modules/realtime/realtime.asyncapi.ts: edit that file, then run npm run docs:asyncapi\n${stringify(asyncApiDocument(), { lineWidth: 0, aliasDuplicateObjects: false })}`;
