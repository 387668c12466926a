import { useCallback, useEffect, useId, useRef, useState } from 'react';
import { api, type ConversationSummary, type FolderName, type Message, ok } from '../../api/client';
import { formatTime, useI18n } from '../../i18n';
import type { PageProps } from '../page-props';
import { Highlight } from './Highlight';
import { useDebounced } from './useDebounced';

const PAGE = 20;

/** The API documents hits loosely (free-form objects); they are the folder summary and message shapes. */
interface Hit {
  conversation: ConversationSummary;
  message: Message | null;
  snippet: string;
}

/** Text search over the conversations the member can read, newest first, with keyset "load more". */
export function ConversationSearch({ me, openConversation, onError }: PageProps) {
  const { t, lang, tz } = useI18n();
  const ids = useId();
  const [text, setText] = useState('');
  const [folder, setFolder] = useState<FolderName | ''>('');
  const q = useDebounced(text.trim());
  // A folder the member lost (permissions.changed refetches `me`) would answer 404: search all of them instead.
  const inFolder = folder && me.folders.includes(folder) ? folder : '';
  const [hits, setHits] = useState<Hit[]>([]);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [state, setState] = useState<'idle' | 'loading' | 'done' | 'failed'>('idle');
  // Answers to an older query (slow network, fast typing) are dropped.
  const seq = useRef(0);

  const load = useCallback(
    async (query: string, f: FolderName | '', cursor: string | undefined, mine: number) => {
      const page = await ok(api.GET('/api/v1/search', { params: { query: { q: query, folder: f || undefined, limit: PAGE, cursor } } }));
      if (mine !== seq.current) return;
      const items = page.items as unknown as Hit[];
      setHits((prev) => (cursor ? [...prev, ...items.filter((i) => !prev.some((p) => p.conversation.id === i.conversation.id))] : items));
      setNextCursor(page.nextCursor);
      setState('done');
    },
    [],
  );

  useEffect(() => {
    const mine = ++seq.current;
    setHits([]);
    setNextCursor(null);
    if (!q) {
      setState('idle');
      return;
    }
    setState('loading');
    load(q, inFolder, undefined, mine).catch((e) => {
      if (mine === seq.current) setState('failed');
      onError(e);
    });
  }, [q, inFolder, load, onError]);

  const status =
    state === 'idle' ? t('search.hint') : state === 'loading' ? t('search.searching') : state === 'failed' ? t('search.failed') : hits.length ? `${hits.length}${nextCursor ? '+' : ''} ${t('search.results')}` : t('search.none');

  return (
    <section className="search-panel" aria-labelledby={`${ids}-h`}>
      <h3 id={`${ids}-h`} className="sr-only">
        {t('search.conversations')}
      </h3>
      <form className="search-filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <label>
          {t('search.query')}
          <input type="search" value={text} onChange={(e) => setText(e.target.value)} maxLength={200} placeholder={t('search.placeholder')} data-testid="search-q" autoFocus />
        </label>
        <label>
          {t('search.folder')}
          <select value={inFolder} onChange={(e) => setFolder(e.target.value as FolderName | '')}>
            <option value="">{t('search.allFolders')}</option>
            {me.folders.map((f) => (
              <option key={f} value={f}>
                {t(`folder.${f}`)}
              </option>
            ))}
          </select>
        </label>
      </form>
      <p className="search-status" role="status" aria-live="polite" data-testid="search-status">
        {status}
      </p>
      <ul className="search-hits">
        {hits.map((h) => (
          <li key={h.conversation.id}>
            <button type="button" className="search-hit" data-hit={h.conversation.id} onClick={() => openConversation(h.conversation.id)}>
              <span className="hit-head">
                <strong>{h.conversation.customer.displayName}</strong>
                <time dateTime={h.message?.createdAt ?? h.conversation.lastActivityAt}>{formatTime(h.message?.createdAt ?? h.conversation.lastActivityAt, lang, tz)}</time>
              </span>
              <span className="hit-snippet">
                {h.message?.kind === 'note' && <span className="chip">{t('note')}</span>}
                {!h.message && <span className="chip">{t('search.byName')}</span>}
                <Highlight text={h.snippet} q={q} />
              </span>
              <span className="hit-meta">{t(`status.${h.conversation.status}`)}</span>
            </button>
          </li>
        ))}
      </ul>
      {nextCursor && (
        <button type="button" className="more" onClick={() => load(q, inFolder, nextCursor, seq.current).catch(onError)}>
          {t('loadMore')}
        </button>
      )}
    </section>
  );
}
