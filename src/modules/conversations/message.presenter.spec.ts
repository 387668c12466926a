import { MessageEntity } from './message.entity';
import { presentMessage } from './message.presenter';

const base: MessageEntity = {
  id: 'm1',
  orgId: 'o',
  conversationId: 'c1',
  channelAccountId: 'a',
  direction: 'out',
  kind: 'text',
  contentType: 'image',
  text: 'secret offer',
  attachments: [{ type: 'image', url: 'x' }],
  senderType: 'member',
  senderMemberId: 'agent-1',
  private: true,
  providerMessageId: 'p',
  status: 'sent',
  error: null,
  attempts: 1,
  mentionIds: [],
  createdAt: new Date('2026-11-24T00:00:00Z'),
  sentAt: null,
};

describe('presentMessage', () => {
  it('redacts private content for viewers without conversation.private.view (SPEC §4)', () => {
    const v = presentMessage(base, false);
    expect(v).toMatchObject({ id: 'm1', private: true, redacted: true, text: null, attachments: [], direction: 'out', createdAt: '2026-11-24T00:00:00.000Z' });
    expect(v.sender).toEqual({ type: 'member' });
    expect(JSON.stringify(v)).not.toContain('secret offer');
  });

  it('shows private content to viewers who may read it, and non-private content to all', () => {
    expect(presentMessage(base, true)).toMatchObject({ text: 'secret offer', redacted: false, sender: { type: 'member', memberId: 'agent-1' } });
    expect(presentMessage({ ...base, private: false }, false)).toMatchObject({ text: 'secret offer', redacted: false });
  });
});
