/** What the text before the caret asks to complete: `@name` in a note, `/shortcode` in a reply. */
export interface Trigger {
  kind: '@' | '/';
  /** What was typed after the trigger character. */
  query: string;
  /** Where the trigger character is; the completion replaces text[start, caret). */
  start: number;
}

/**
 * A trigger counts only at the start of the text or after whitespace (an e-mail address or a
 * URL is not a mention or a shortcode), and only while the word after it has no whitespace.
 */
export function triggerAt(text: string, caret: number, kind: '@' | '/'): Trigger | null {
  const before = text.slice(0, caret);
  const start = before.lastIndexOf(kind);
  if (start < 0) return null;
  if (start > 0 && !/\s/.test(before[start - 1])) return null;
  const query = before.slice(start + 1);
  if (/\s/.test(query) || query.length > 40) return null;
  return { kind, query, start };
}

/** Replaces the trigger and what followed it with `insert`; returns the new text and caret. */
export function complete(text: string, caret: number, t: Trigger, insert: string): { text: string; caret: number } {
  const next = text.slice(0, t.start) + insert + text.slice(caret);
  return { text: next, caret: t.start + insert.length };
}

/**
 * The mentioned members still named in the text: a mention the agent deleted again is not
 * sent, so nobody is notified about a note that no longer names them.
 */
export function mentionIdsIn(text: string, picked: ReadonlyMap<string, string>): string[] {
  return [...picked].filter(([, name]) => text.includes(`@${name}`)).map(([id]) => id);
}
