import type { PageMessages } from '../messages';

export const inboxMessages: PageMessages = {
  en: { 'nav.inbox': 'Inbox', 'nav.views': 'Views' },
  zh: { 'nav.inbox': '收件匣', 'nav.views': '功能' },
};
