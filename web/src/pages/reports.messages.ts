import type { PageMessages } from '../messages';

export const reportsMessages: PageMessages = {
  en: { 'nav.reports': 'Reports' },
  zh: { 'nav.reports': '報表' },
};
