import type { Viewer } from '../access/viewer';
import { DeliveryStatus, MessageDirection, MessageEntity, MessageKind, SenderType } from './message.entity';

export interface MessageView {
  id: string;
  conversationId: string;
  direction: MessageDirection;
  kind: MessageKind;
  contentType: string;
  text: string | null;
  attachments: Record<string, unknown>[];
  private: boolean;
  redacted: boolean;
  sender: { type: SenderType; memberId?: string };
  status: DeliveryStatus | null;
  error: string | null;
  createdAt: string;
}

/**
 * The one place a message becomes a payload. `seesPrivate` comes from AccessPolicy; without
 * it a private message keeps only its envelope (SPEC §4), in lists, previews and events alike.
 */
export function presentMessage(m: MessageEntity, seesPrivate: boolean): MessageView {
  const redacted = m.private && !seesPrivate;
  return {
    id: m.id,
    conversationId: m.conversationId,
    direction: m.direction,
    kind: m.kind,
    contentType: redacted ? 'text' : m.contentType,
    text: redacted ? null : m.text,
    attachments: redacted ? [] : m.attachments,
    private: m.private,
    redacted,
    sender: redacted ? { type: m.senderType } : { type: m.senderType, ...(m.senderMemberId ? { memberId: m.senderMemberId } : {}) },
    status: m.status,
    error: redacted ? null : m.error,
    createdAt: m.createdAt.toISOString(),
  };
}

export type ViewerForMessages = Pick<Viewer, 'permissions'>;
