/** Links that open the chat with the binding token already in it (docs/media.md). */
export interface DeepLinks {
  line?: string;
  messenger?: string;
  instagram?: string;
  whatsapp?: string;
}

export interface DeepLinkAccount {
  type: string;
  /** Messenger page id (the others are not used in links). */
  externalId: string;
  /** LINE basic id, e.g. `@123abcde`. */
  basicId: string | null;
  /** Instagram username. */
  username: string | null;
  /** WhatsApp phone number (digits, country code first). */
  phoneNumber: string | null;
}

/**
 * - LINE `https://line.me/R/oaMessage/<basicId>/?<text>`: the chat opens with the text typed, the customer presses send;
 * - Messenger `https://m.me/<pageId>?ref=<token>`, Instagram `https://ig.me/m/<username>?ref=<token>`: opening the chat
 *   sends a referral event, which binds with no message at all;
 * - WhatsApp `https://wa.me/<phone>?text=<text>`.
 * A channel account without the handle (LINE basic id, Instagram username, WhatsApp number) has no deep link.
 */
export function deepLinks(a: DeepLinkAccount, token: string, text: string): DeepLinks {
  switch (a.type) {
    case 'line':
      return a.basicId ? { line: `https://line.me/R/oaMessage/${encodeURIComponent(a.basicId)}/?${encodeURIComponent(text)}` } : {};
    case 'messenger':
      return { messenger: `https://m.me/${encodeURIComponent(a.externalId)}?ref=${encodeURIComponent(token)}` };
    case 'instagram':
      return a.username ? { instagram: `https://ig.me/m/${encodeURIComponent(a.username)}?ref=${encodeURIComponent(token)}` } : {};
    case 'whatsapp': {
      const digits = (a.phoneNumber ?? '').replace(/\D/g, '');
      return digits ? { whatsapp: `https://wa.me/${digits}?text=${encodeURIComponent(text)}` } : {};
    }
    default:
      return {};
  }
}
