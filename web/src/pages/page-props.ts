import type { Me, Member } from '../api/client';

/** What every page beside the inbox gets from the console shell (components/Console.tsx). */
export interface PageProps {
  me: Me;
  /** Active members of the org (for names and pickers). */
  members: Member[];
  /** Switches to the inbox with this conversation open (e.g. a search hit). */
  openConversation: (id: string) => void;
  /** Reports an API failure (a 401 logs out). */
  onError: (e: unknown) => void;
}
