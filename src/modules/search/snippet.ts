/** Characters kept on each side of the match. */
export const SNIPPET_CONTEXT = 30;

/**
 * A short excerpt of `text` around the first case-insensitive occurrence of `q`, with `…`
 * where it was cut. Whitespace runs become one space. Without an occurrence (a case rule
 * PostgreSQL and JavaScript disagree on), the start of the text.
 */
export function snippet(text: string, q: string, context = SNIPPET_CONTEXT): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const chars = [...flat];
  const lower = chars.map((c) => c.toLowerCase());
  const needle = [...q.toLowerCase()];
  let at = -1;
  for (let i = 0; i + needle.length <= lower.length && at < 0; i++) {
    if (needle.every((c, j) => lower[i + j] === c)) at = i;
  }
  if (at < 0) at = 0;
  const start = Math.max(0, at - context);
  const end = Math.min(chars.length, at + needle.length + context);
  return `${start > 0 ? '…' : ''}${chars.slice(start, end).join('').trim()}${end < chars.length ? '…' : ''}`;
}
