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

/**
 * An event of the webhook that can never be stored (wrong types, ids out of bounds, fields
 * nested too deep…): kept in `rejected_inbound_events`, never retried.
 */
export interface RejectedInboundEvent {
  /** The dedup key the event would have had, when it could be read; a redelivery is then recorded once. */
  eventKey: string | null;
  /** Where and why, e.g. `events[2].message.packageId: expected a string`. */
  reason: string;
  /** The start of the event's JSON (≤ 500 chars, NUL-stripped), for whoever investigates. */
  excerpt: string;
}

/** What a parser makes of one webhook: the events to apply (ordered by timestamp) and those rejected. */
export interface ParsedWebhook {
  events: InboundEvent[];
  rejected: RejectedInboundEvent[];
}

/** The body is not the provider's envelope at all (400): nothing in it can be read as events. */
export class MalformedPayloadError extends Error {}

export const isObject = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);
