import { type KeyboardEvent, useEffect, useRef } from 'react';
import type { ConversationSummary, Member } from '../api/client';
import { formatTime, useI18n } from '../i18n';

interface Props {
  items: ConversationSummary[];
  selected: string | null;
  members: Member[];
  onSelect: (id: string) => void;
  hasMore: boolean;
  onMore: () => void;
}

/** The open folder's conversations; ↑/↓ move through the list and open the conversation. */
export function ConversationList({ items, selected, members, onSelect, hasMore, onMore }: Props) {
  const { t, lang, tz } = useI18n();
  const listRef = useRef<HTMLUListElement>(null);
  const index = items.findIndex((i) => i.id === selected);
  const onKey = (e: KeyboardEvent) => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    e.preventDefault();
    if (!items.length) return;
    const next = index < 0 ? 0 : Math.min(items.length - 1, Math.max(0, index + (e.key === 'ArrowDown' ? 1 : -1)));
    onSelect(items[next].id);
  };
  useEffect(() => {
    listRef.current?.querySelector('[aria-selected="true"]')?.scrollIntoView({ block: 'nearest' });
  }, [selected]);
  const name = (id: string | null) => (id ? (members.find((m) => m.id === id)?.displayName ?? '…') : t('unassigned'));
  return (
    <section className="list" aria-label={t('conversations')}>
      <ul
        ref={listRef}
        role="listbox"
        tabIndex={0}
        aria-label={t('conversations')}
        aria-activedescendant={selected ? `conv-${selected}` : undefined}
        onKeyDown={onKey}
      >
        {items.map((c) => (
          <li
            key={c.id}
            id={`conv-${c.id}`}
            role="option"
            aria-selected={c.id === selected}
            data-conversation={c.id}
            className={c.id === selected ? 'selected' : ''}
            onClick={() => onSelect(c.id)}
          >
            <div className="row1">
              <strong>{c.customer.displayName}</strong>
              <time dateTime={c.lastActivityAt}>{formatTime(c.lastActivityAt, lang, tz)}</time>
            </div>
            <div className="row2">{c.lastMessage ? (c.lastMessage.redacted ? t('private') : c.lastMessage.text) : ''}</div>
            <div className="row3">
              {t(`status.${c.status}`)} · {name(c.assigneeId)}
            </div>
          </li>
        ))}
      </ul>
      {!items.length && <p className="empty">{t('empty')}</p>}
      {hasMore && (
        <button type="button" className="more" onClick={onMore}>
          {t('loadMore')}
        </button>
      )}
    </section>
  );
}
