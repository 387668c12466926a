import { UnprocessableEntityException } from '@nestjs/common';
import { providerMediaCalls } from './provider-media';
import { assertWhatsAppWindow, WHATSAPP_WINDOW_MS } from './whatsapp-window';

describe('WhatsApp 24-hour window and template sends', () => {
  const now = Date.UTC(2026, 0, 10, 12);

  it('a free-form reply within 24 h of the customer’s last message passes; after it, 422 naming the rule', () => {
    expect(() => assertWhatsAppWindow('whatsapp', new Date(now - WHATSAPP_WINDOW_MS + 1000), false, now)).not.toThrow();
    const late = () => assertWhatsAppWindow('whatsapp', new Date(now - WHATSAPP_WINDOW_MS - 1000), false, now);
    expect(late).toThrow(UnprocessableEntityException);
    expect(late).toThrow(/24-hour customer service window/);
  });

  it('a template passes at any time on WhatsApp, and only there; other channels have no window', () => {
    expect(() => assertWhatsAppWindow('whatsapp', new Date(now - 30 * WHATSAPP_WINDOW_MS), true, now)).not.toThrow();
    expect(() => assertWhatsAppWindow('line', new Date(now), true, now)).toThrow(/WhatsApp feature/);
    expect(() => assertWhatsAppWindow('line', new Date(now - 30 * WHATSAPP_WINDOW_MS), false, now)).not.toThrow();
  });

  it('a template is sent in WhatsApp’s shape', () => {
    const calls = providerMediaCalls('whatsapp', '106540352242922', '16505551234', '', [], 'v21.0', { name: 'order_update', language: 'zh_TW', components: [{ type: 'body', parameters: [{ type: 'text', text: 'A123' }] }] });
    expect(calls).toEqual([
      {
        api: 'graph',
        path: '/v21.0/106540352242922/messages',
        body: {
          messaging_product: 'whatsapp',
          recipient_type: 'individual',
          to: '16505551234',
          type: 'template',
          template: { name: 'order_update', language: { code: 'zh_TW' }, components: [{ type: 'body', parameters: [{ type: 'text', text: 'A123' }] }] },
        },
      },
    ]);
  });

  it('Instagram attachment messages carry no messaging_type; LINE audio gets a duration', () => {
    const media = [{ type: 'audio' as const, url: 'https://omni.test/media/t', fileName: null, mimeType: 'audio/mp4' }];
    expect(providerMediaCalls('instagram', 'IG1', 'IGSID', '', media, 'v21.0')).toEqual([
      { api: 'graph', path: '/v21.0/IG1/messages', body: { recipient: { id: 'IGSID' }, message: { attachment: { type: 'audio', payload: { url: 'https://omni.test/media/t' } } } } },
    ]);
    expect(providerMediaCalls('line', 'U1', 'Ux', '', media, 'v21.0')[0].body).toEqual({ to: 'Ux', messages: [{ type: 'audio', originalContentUrl: 'https://omni.test/media/t', duration: 60000 }] });
  });
});
