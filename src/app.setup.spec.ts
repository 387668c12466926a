import type { IncomingMessage } from 'http';
import { isWebhookRequest } from './app.setup';

const req = (url: string) => ({ url }) as IncomingMessage;

describe('isWebhookRequest (which requests keep their raw body)', () => {
  it('matches /webhooks and everything below it, in any letter case, with or without a query', () => {
    for (const url of ['/webhooks', '/webhooks/', '/webhooks/line/5b0c8a8e-2f7e-4a53-9d55-3f1a2b9c7d10', '/Webhooks/messenger/x', '/webhooks?hub.mode=subscribe']) {
      expect(isWebhookRequest(req(url))).toBe(true);
    }
  });

  it('does not match the API or a path that merely starts with the same letters', () => {
    for (const url of ['/api/v1/webhooks/line/x', '/webhooksx', '/webhooks-old/line', '/api/v1/orgs', '/', '']) {
      expect(isWebhookRequest(req(url))).toBe(false);
    }
  });
});
