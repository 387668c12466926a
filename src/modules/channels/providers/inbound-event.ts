/** A provider webhook, normalized: what the inbox stores, whatever channel it came from. */
export type InboundEvent = InboundMessage | InboundPostback | InboundFollow | InboundStatus;

interface Base {
  /** Dedup key, unique per channel account: a redelivery carries the same key. */
  eventKey: string;
  timestamp: Date;
}

export interface CustomerRef {
  userId: string;
  displayName?: string;
}

export interface InboundMessage extends Base, CustomerRef {
  kind: 'message';
  providerMessageId: string;
  contentType: string;
  text: string | null;
  attachments: Record<string, unknown>[];
}

export interface InboundPostback extends Base, CustomerRef {
  kind: 'postback';
  data: string;
}

export interface InboundFollow extends Base, CustomerRef {
  kind: 'follow' | 'unfollow';
}

export interface InboundStatus extends Base {
  kind: 'status';
  providerMessageId: string;
  status: 'sent' | 'delivered' | 'read' | 'failed';
  error?: string;
}

export class MalformedPayloadError extends Error {}

export const isObject = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);
