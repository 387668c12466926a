import type { PageMessages } from '../../messages';

export const adminMessages: PageMessages = {
  en: { 'nav.admin': 'Admin' },
  zh: { 'nav.admin': '管理' },
};
