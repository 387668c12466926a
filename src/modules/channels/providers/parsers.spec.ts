import { lineEvent, lineWebhook, messengerWebhook, whatsappWebhook } from '../../../../test/fixtures/providers';
import { MalformedPayloadError } from './inbound-event';
import { parseLineWebhook } from './line.parser';
import { parseMetaWebhook } from './meta.parser';
import { parseWhatsAppWebhook } from './whatsapp.parser';

describe('LINE webhook parser', () => {
  it('reads the documented text message event', () => {
    const body = JSON.parse(`{"destination":"U1234567890abcdef1234567890abcdef",
      "events":[{"type":"message","mode":"active","timestamp":1692251666727,
      "webhookEventId":"01H810YECXQQZ37VAXPF6H9E6T","deliveryContext":{"isRedelivery":false},
      "source":{"type":"user","userId":"U4af4980629"},"replyToken":"38ef843bde154d9b91c21320ffd17a0f",
      "message":{"type":"text","id":"468789577898262530","quoteToken":"q3Plxr4AgKd","text":"Chicken, please."}}]}`);
    expect(parseLineWebhook(body)).toEqual({ events: [
      {
        kind: 'message',
        eventKey: '01H810YECXQQZ37VAXPF6H9E6T',
        timestamp: new Date(1692251666727),
        userId: 'U4af4980629',
        providerMessageId: '468789577898262530',
        contentType: 'text',
        text: 'Chicken, please.',
        attachments: [],
      },
    ], rejected: [] });
  });

  it('orders by timestamp, keeps other types, skips standby', () => {
    const body = lineWebhook('Udest', [
      lineEvent({ type: 'postback', postbackData: 'bind:abc', timestamp: 3000 }),
      lineEvent({ type: 'follow', timestamp: 1000 }),
      lineEvent({ message: { type: 'sticker', id: 's1', packageId: '446', stickerId: '1988' }, timestamp: 2000 }),
      lineEvent({ text: 'ignored', mode: 'standby', timestamp: 1500 }),
      lineEvent({ type: 'unfollow', timestamp: 4000 }),
    ]);
    const { events } = parseLineWebhook(body);
    expect(events.map((e) => e.kind)).toEqual(['follow', 'message', 'postback', 'unfollow']);
    expect(events[1]).toMatchObject({ contentType: 'sticker', text: null, attachments: [{ type: 'sticker', stickerId: '1988' }] });
    expect(events[2]).toMatchObject({ data: 'bind:abc' });
  });

  it('accepts the empty verification webhook and rejects a body without events', () => {
    expect(parseLineWebhook({ destination: 'U', events: [] })).toEqual({ events: [], rejected: [] });
    expect(() => parseLineWebhook({ destination: 'U' })).toThrow(MalformedPayloadError);
  });
});

describe('Messenger / Instagram webhook parser', () => {
  it('reads messages for this page and skips echoes and other pages', () => {
    const body = messengerWebhook('PAGE1', [{ text: 'hi', mid: 'mid.1' }, { echo: true, text: 'ours' }]);
    body.entry.push({ ...body.entry[0], id: 'OTHER' });
    const { events } = parseMetaWebhook(body, 'page', 'PAGE1');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ kind: 'message', eventKey: 'mid:mid.1', providerMessageId: 'mid.1', text: 'hi', userId: '6945281138822345' });
  });

  it('insists on the right object type', () => {
    expect(() => parseMetaWebhook(messengerWebhook('IG1', [], 'instagram'), 'page', 'IG1')).toThrow(MalformedPayloadError);
    expect(parseMetaWebhook(messengerWebhook('IG1', [{ text: 'ig' }], 'instagram'), 'instagram', 'IG1').events[0]).toMatchObject({ text: 'ig' });
  });
});

describe('WhatsApp Cloud API webhook parser', () => {
  it('reads messages with the contact name and seconds timestamps', () => {
    const body = whatsappWebhook('106540352242922', { messages: [{ id: 'wamid.A', text: 'Does it come in another color?', timestamp: 1749416383000 }] });
    expect(parseWhatsAppWebhook(body, '106540352242922')).toEqual({ events: [
      {
        kind: 'message',
        eventKey: 'wamid:wamid.A',
        timestamp: new Date(1749416383000),
        userId: '16505551234',
        displayName: 'Sheena Nelson',
        providerMessageId: 'wamid.A',
        contentType: 'text',
        text: 'Does it come in another color?',
        attachments: [],
      },
    ], rejected: [] });
  });

  it('reads statuses keyed by (id, status) and ignores other phone numbers', () => {
    const body = whatsappWebhook('P1', { statuses: [{ id: 'wamid.X', status: 'delivered' }, { id: 'wamid.X', status: 'failed', errors: [{ code: 131047, title: 'Re-engagement message' }] }] });
    const { events } = parseWhatsAppWebhook(body, 'P1');
    expect(events.map((e) => e.eventKey)).toEqual(['status:wamid.X:delivered', 'status:wamid.X:failed']);
    expect(events[1]).toMatchObject({ status: 'failed', error: '131047 Re-engagement message' });
    expect(parseWhatsAppWebhook(body, 'P2')).toEqual({ events: [], rejected: [] });
  });
});
