import { type KeyboardEvent, useId, useRef, useState } from 'react';
import { useI18n } from '../i18n';
import type { PageProps } from './page-props';
import { ConversationSearch } from './search/ConversationSearch';
import { CustomerDirectory } from './search/CustomerDirectory';

const TABS = ['conversations', 'customers'] as const;
type Tab = (typeof TABS)[number];

/** Search (text in conversations) and the customer directory, as two tabs (← → switch between them). */
export function SearchPage(props: PageProps) {
  const { t } = useI18n();
  const ids = useId();
  const [tab, setTab] = useState<Tab>('conversations');
  const refs = useRef<Record<Tab, HTMLButtonElement | null>>({ conversations: null, customers: null });
  const onKey = (e: KeyboardEvent) => {
    if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
    e.preventDefault();
    const next = TABS[(TABS.indexOf(tab) + (e.key === 'ArrowRight' ? 1 : TABS.length - 1)) % TABS.length];
    setTab(next);
    refs.current[next]?.focus();
  };
  return (
    <main className="page search-page" aria-label={t('nav.search')}>
      <h2>{t('nav.search')}</h2>
      <div role="tablist" aria-label={t('nav.search')} className="tabs" onKeyDown={onKey}>
        {TABS.map((k) => (
          <button
            key={k}
            ref={(el) => {
              refs.current[k] = el;
            }}
            type="button"
            role="tab"
            id={`${ids}-tab-${k}`}
            aria-controls={`${ids}-panel-${k}`}
            aria-selected={tab === k}
            tabIndex={tab === k ? 0 : -1}
            onClick={() => setTab(k)}
          >
            {t(`search.${k}`)}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`${ids}-panel-${tab}`} aria-labelledby={`${ids}-tab-${tab}`}>
        {tab === 'conversations' ? <ConversationSearch {...props} /> : <CustomerDirectory {...props} />}
      </div>
    </main>
  );
}
