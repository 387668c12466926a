import { UnprocessableEntityException } from '@nestjs/common';

/** WhatsApp's customer service window: free-form messages only within 24 h of the customer's last message. */
export const WHATSAPP_WINDOW_MS = 24 * 3600 * 1000;

/**
 * A free-form WhatsApp reply more than 24 h after the customer's last message → 422 naming the
 * rule (WhatsApp would refuse it); a template may be sent at any time. Templates are WhatsApp only.
 */
export function assertWhatsAppWindow(channel: string, lastCustomerMessageAt: Date | null, isTemplate: boolean, now = Date.now()): void {
  if (isTemplate) {
    if (channel !== 'whatsapp') throw new UnprocessableEntityException('Message templates are a WhatsApp feature: this conversation is not on WhatsApp');
    return;
  }
  if (channel !== 'whatsapp') return;
  if (!lastCustomerMessageAt || now - new Date(lastCustomerMessageAt).getTime() > WHATSAPP_WINDOW_MS) {
    throw new UnprocessableEntityException(
      'WhatsApp 24-hour customer service window: the customer last wrote more than 24 hours ago, so only an approved message template can be sent (send {template: {name, language, components?}})',
    );
  }
}
