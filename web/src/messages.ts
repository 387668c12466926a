import { adminMessages } from './pages/admin/admin.messages';
import { membersMessages } from './pages/admin/members.messages';
import { inboxMessages } from './pages/inbox.messages';
import { reportsMessages } from './pages/reports.messages';
import { searchMessages } from './pages/search.messages';

/** A page's words in both languages; each page keeps its own file so pages grow independently. */
export interface PageMessages {
  en: Record<string, string>;
  zh: Record<string, string>;
}

export const extraMessages: PageMessages[] = [inboxMessages, searchMessages, reportsMessages, adminMessages, membersMessages];
