/** Splits `text` around every case-insensitive occurrence of `q`, matches marked. */
export function highlightParts(text: string, q: string): { text: string; match: boolean }[] {
  const needle = q.trim();
  if (!needle) return [{ text, match: false }];
  const re = new RegExp(`(${needle.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')})`, 'giu');
  return text
    .split(re)
    .filter((s) => s !== '')
    .map((s) => ({ text: s, match: s.toLowerCase() === needle.toLowerCase() }));
}

/**
 * The server's snippet with the query marked. Text stays text (React escapes it): a message can
 * hold anything, so it is never parsed as markup.
 */
export function Highlight({ text, q }: { text: string; q: string }) {
  return (
    <>
      {highlightParts(text, q).map((p, i) => (p.match ? <mark key={i}>{p.text}</mark> : <span key={i}>{p.text}</span>))}
    </>
  );
}
