import { useCallback, useEffect, useId, useRef, useState } from 'react';
import { api, ok, type Schemas, type Unit } from '../../api/client';
import { useI18n } from '../../i18n';
import type { PageProps } from '../page-props';
import { useDebounced } from './useDebounced';

const PAGE = 50;
type DirectoryCustomer = Schemas['DirectoryCustomerView'];
type ChannelAccount = Schemas['ChannelAccountDto'];

const shown = (v: unknown) => (v === null || v === undefined || v === '' ? null : typeof v === 'object' ? JSON.stringify(v) : String(v));

/** Customers whose conversation the member can read, filtered, newest activity first, fields as the API masks them. */
export function CustomerDirectory({ me, openConversation, onError }: PageProps) {
  const { t } = useI18n();
  const ids = useId();
  const seesTags = (me.permissions as string[]).includes('customer.tags.view');
  const [text, setText] = useState('');
  const [tagText, setTagText] = useState('');
  const [boundUnitId, setBoundUnitId] = useState('');
  const [channelAccountId, setChannelAccountId] = useState('');
  const q = useDebounced(text.trim());
  const tag = useDebounced(tagText.trim());
  const [units, setUnits] = useState<Unit[]>([]);
  const [accounts, setAccounts] = useState<ChannelAccount[]>([]);
  const [items, setItems] = useState<DirectoryCustomer[]>([]);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const seq = useRef(0);

  useEffect(() => {
    Promise.all([ok(api.GET('/api/v1/units')).then((r) => setUnits(r.items)), ok(api.GET('/api/v1/channel-accounts')).then((r) => setAccounts(r.items))]).catch(onError);
  }, [onError]);

  const load = useCallback(
    async (cursor: string | undefined, mine: number) => {
      const query = { q: q || undefined, tag: seesTags && tag ? tag : undefined, boundUnitId: boundUnitId || undefined, channelAccountId: channelAccountId || undefined, limit: PAGE, cursor };
      const page = await ok(api.GET('/api/v1/customers', { params: { query } }));
      if (mine !== seq.current) return;
      setItems((prev) => (cursor ? [...prev, ...page.items.filter((i) => !prev.some((p) => p.id === i.id))] : page.items));
      setNextCursor(page.nextCursor);
      setLoading(false);
    },
    [q, tag, boundUnitId, channelAccountId, seesTags],
  );

  useEffect(() => {
    const mine = ++seq.current;
    setItems([]);
    setNextCursor(null);
    setLoading(true);
    load(undefined, mine).catch((e) => {
      if (mine === seq.current) setLoading(false);
      onError(e);
    });
  }, [load, onError]);

  const fieldLabel = (k: string) => {
    const key = `directory.field.${k}`;
    const word = t(key);
    return word === key ? k : word;
  };
  const unitName = (id: string | null) => (id ? (units.find((u) => u.id === id)?.name ?? '…') : null);
  const accountName = (id: string) => accounts.find((a) => a.id === id)?.name ?? '';

  return (
    <section className="search-panel" aria-labelledby={`${ids}-h`}>
      <h3 id={`${ids}-h`} className="sr-only">
        {t('search.customers')}
      </h3>
      <form className="search-filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <label>
          {t('directory.query')}
          <input type="search" value={text} onChange={(e) => setText(e.target.value)} maxLength={200} data-testid="directory-q" />
        </label>
        {seesTags && (
          <label>
            {t('tags')}
            <input type="text" value={tagText} onChange={(e) => setTagText(e.target.value)} maxLength={50} />
          </label>
        )}
        <label>
          {t('directory.boundUnit')}
          <select value={boundUnitId} onChange={(e) => setBoundUnitId(e.target.value)}>
            <option value="">{t('directory.any')}</option>
            {units.map((u) => (
              <option key={u.id} value={u.id}>
                {'\u00a0'.repeat((u.depth - 1) * 2)}
                {u.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('directory.channel')}
          <select value={channelAccountId} onChange={(e) => setChannelAccountId(e.target.value)}>
            <option value="">{t('directory.any')}</option>
            {accounts.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name} ({a.type})
              </option>
            ))}
          </select>
        </label>
      </form>
      <p className="search-status" role="status" aria-live="polite">
        {loading ? t('search.searching') : items.length ? `${items.length}${nextCursor ? '+' : ''} ${t('directory.count')}` : t('directory.none')}
      </p>
      <ul className="directory">
        {items.map((c) => {
          const fields = Object.entries(c.profile ?? {}).filter(([k, v]) => k !== 'custom' && shown(v) !== null);
          return (
            <li key={c.id} data-customer={c.id}>
              {c.conversationId ? (
                <button type="button" className="customer-name" onClick={() => openConversation(c.conversationId)} aria-label={`${c.displayName}: ${t('directory.open')}`}>
                  {c.displayName}
                </button>
              ) : (
                <strong className="customer-name">{c.displayName}</strong>
              )}
              <span className="customer-meta">
                {accountName(c.channelAccountId)}
                {c.boundUnitId ? ` · ${t('directory.boundTo')} ${unitName(c.boundUnitId)}` : ''}
              </span>
              {fields.length > 0 && (
                <dl className="customer-fields">
                  {fields.map(([k, v]) => (
                    <div key={k}>
                      <dt>{fieldLabel(k)}</dt>
                      <dd>
                        {shown(v)}
                        {c.masked?.includes(k) && <span className="masked"> ({t('masked')})</span>}
                      </dd>
                    </div>
                  ))}
                </dl>
              )}
              {c.tags && c.tags.length > 0 && (
                <p className="tags">
                  {c.tags.map((tg) => (
                    <span key={tg} className="chip">
                      {tg}
                    </span>
                  ))}
                </p>
              )}
            </li>
          );
        })}
      </ul>
      {nextCursor && (
        <button type="button" className="more" onClick={() => load(nextCursor, seq.current).catch(onError)}>
          {t('loadMore')}
        </button>
      )}
    </section>
  );
}
