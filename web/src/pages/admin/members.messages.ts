import type { PageMessages } from '../../messages';

export const membersMessages: PageMessages = {
  en: { 'admin.members': 'Members' },
  zh: { 'admin.members': '成員' },
};
