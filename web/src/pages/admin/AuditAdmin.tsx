import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { api, ApiError, ok, type Schemas, tokenStore } from '../../api/client';
import { formatTime, useI18n } from '../../i18n';
import type { PageProps } from '../page-props';
import { FormError, hasPermission, useFormError } from './admin-shared';

type Entry = Schemas['AuditLogDto'];
interface Filters {
  action: string;
  actorId: string;
  targetType: string;
  since: string;
  until: string;
}
const EMPTY: Filters = { action: '', actorId: '', targetType: '', since: '', until: '' };
const PAGE = 50;

/** The filters as the API takes them: blanks dropped, datetime-local read in the browser's zone. */
function query(f: Filters): Record<string, string> {
  const q: Record<string, string> = {};
  if (f.action.trim()) q.action = f.action.trim();
  if (f.actorId) q.actorId = f.actorId;
  if (f.targetType.trim()) q.targetType = f.targetType.trim();
  if (f.since) q.since = new Date(f.since).toISOString();
  if (f.until) q.until = new Date(f.until).toISOString();
  return q;
}

/** The audit log newest first, filtered, 50 at a time; CSV download with `audit.export`. */
export function AuditAdmin({ me, members, onError }: PageProps) {
  const { t, lang, tz } = useI18n();
  const [draft, setDraft] = useState<Filters>(EMPTY);
  const [filters, setFilters] = useState<Filters>(EMPTY);
  const [items, setItems] = useState<Entry[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, fail, clear] = useFormError(onError);
  const canExport = hasPermission(me, 'audit.export');

  const load = useCallback(
    async (f: Filters, after?: string) => {
      clear();
      try {
        const page = await ok(api.GET('/api/v1/audit-logs', { params: { query: { ...query(f), limit: PAGE, cursor: after } } }));
        setItems((prev) => (after ? [...(prev ?? []), ...page.items] : page.items));
        setCursor(page.nextCursor ?? null);
      } catch (e) {
        fail(e);
      }
    },
    [clear, fail],
  );
  useEffect(() => {
    void load(filters);
  }, [filters, load]);

  const download = async () => {
    clear();
    try {
      // A plain link cannot carry the bearer token, so the file is fetched and handed over as a Blob.
      const res = await fetch(`/api/v1/audit-logs.csv?${new URLSearchParams(query(filters))}`, { headers: { Authorization: `Bearer ${tokenStore.get() ?? ''}` } });
      if (!res.ok) throw new ApiError(res.status, ((await res.json().catch(() => ({}))) as { message?: string }).message ?? res.statusText);
      const url = URL.createObjectURL(await res.blob());
      const a = document.createElement('a');
      a.href = url;
      a.download = 'audit-log.csv';
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10000);
    } catch (e) {
      fail(e);
    }
  };
  const name = (id: string | null) => (id ? (members.find((m) => m.id === id)?.displayName ?? id.slice(0, 8)) : t('admin.audit.system'));
  const set = (k: keyof Filters) => (e: { target: { value: string } }) => setDraft((d) => ({ ...d, [k]: e.target.value }));
  const apply = (e: FormEvent) => {
    e.preventDefault();
    setFilters({ ...draft });
  };

  return (
    <div className="admin-stack">
      <form className="admin-filters" onSubmit={apply} aria-describedby="audit-error">
        <label>
          {t('admin.audit.action')}
          <input value={draft.action} onChange={set('action')} placeholder="role.updated" maxLength={100} />
        </label>
        <label>
          {t('admin.audit.actor')}
          <select value={draft.actorId} onChange={set('actorId')}>
            <option value="">{t('admin.audit.anyone')}</option>
            {members.map((m) => (
              <option key={m.id} value={m.id}>
                {m.displayName}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('admin.audit.targetType')}
          <input value={draft.targetType} onChange={set('targetType')} placeholder="role" maxLength={100} />
        </label>
        <label>
          {t('admin.audit.since')}
          <input type="datetime-local" value={draft.since} onChange={set('since')} />
        </label>
        <label>
          {t('admin.audit.until')}
          <input type="datetime-local" value={draft.until} onChange={set('until')} />
        </label>
        <div className="admin-row">
          <button type="submit" className="primary">
            {t('admin.audit.filter')}
          </button>
          {canExport && (
            <button type="button" onClick={() => void download()}>
              {t('admin.audit.csv')}
            </button>
          )}
        </div>
      </form>
      <FormError id="audit-error" message={error} />
      {items === null ? (
        <p>{t('admin.loading')}</p>
      ) : items.length === 0 ? (
        <p className="admin-muted">{t('admin.none')}</p>
      ) : (
        <ul className="admin-audit" aria-label={t('admin.tab.audit')}>
          {items.map((e) => (
            <li key={e.id} data-audit={e.action}>
              <div className="admin-row">
                <time>{formatTime(e.at, lang, tz)}</time>
                <strong>{e.action}</strong>
                <span>{name(e.actorId)}</span>
                <span className="admin-muted admin-wrap">
                  {e.targetType}
                  {e.targetId ? ` ${e.targetId}` : ''}
                </span>
              </div>
              {(e.before != null || e.after != null) && (
                <details>
                  <summary>{t('admin.audit.details')}</summary>
                  <pre>{JSON.stringify({ before: e.before ?? null, after: e.after ?? null }, null, 2)}</pre>
                </details>
              )}
            </li>
          ))}
        </ul>
      )}
      {cursor && (
        <button type="button" onClick={() => void load(filters, cursor)}>
          {t('loadMore')}
        </button>
      )}
    </div>
  );
}
