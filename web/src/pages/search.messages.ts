import type { PageMessages } from '../messages';

export const searchMessages: PageMessages = {
  en: { 'nav.search': 'Search' },
  zh: { 'nav.search': '搜尋' },
};
