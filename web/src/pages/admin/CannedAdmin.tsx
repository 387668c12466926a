import { useCallback, useEffect, useState } from 'react';
import { api, ok, type Schemas, type Unit, noContent } from '../../api/client';
import { useI18n } from '../../i18n';
import type { PageProps } from '../page-props';
import { hasPermission, subtreeOf, treeOrder, useUnits } from './admin-shared';
import { CannedForm } from './CannedForm';
import { DeleteControl } from './DeleteControl';

export type Canned = Schemas['CannedResponseView'];

/**
 * The canned responses this member may edit (`?manageable=true`: their unit and below, org-wide
 * ones with org.manage), filtered by a shortcode/title prefix; create, edit and delete. Which
 * unit a response may belong to is the server's rule too: the form offers only those units.
 */
export function CannedAdmin({ me, onError }: PageProps) {
  const { t } = useI18n();
  const [units] = useUnits(onError);
  const [items, setItems] = useState<Canned[] | null>(null);
  const [prefix, setPrefix] = useState('');
  const [editing, setEditing] = useState<Canned | null>(null);
  const orgWide = hasPermission(me, 'org.manage');

  const load = useCallback(
    async (q: string) => {
      try {
        setItems((await ok(api.GET('/api/v1/canned-responses', { params: { query: { manageable: true, q: q.trim() || undefined } } }))).items);
      } catch (e) {
        onError(e);
      }
    },
    [onError],
  );
  // The prefix is searched after a short pause, as the agent's composer does.
  useEffect(() => {
    const timer = window.setTimeout(() => void load(prefix), 200);
    return () => window.clearTimeout(timer);
  }, [prefix, load]);

  const mine = units ? subtreeOf(units, me.unit.id) : new Set<string>();
  const choices: Unit[] = treeOrder(units ?? []).filter((u) => mine.has(u.id));
  const unitName = (id: string | null) => (id === null ? t('admin.canned.orgWide') : (units?.find((u) => u.id === id)?.name ?? id));
  const reload = () => load(prefix);

  return (
    <div className="admin-split">
      <section aria-labelledby="canned-list-h">
        <h3 id="canned-list-h">{t('admin.canned.list')}</h3>
        <div className="admin-form">
          <label>
            {t('admin.canned.filter')}
            <input type="search" value={prefix} maxLength={50} onChange={(e) => setPrefix(e.target.value)} data-testid="canned-filter" />
          </label>
        </div>
        {!items ? (
          <p>{t('admin.loading')}</p>
        ) : items.length === 0 ? (
          <p className="admin-muted">{t('admin.none')}</p>
        ) : (
          <ul className="admin-cards" aria-label={t('admin.canned.list')}>
            {items.map((c) => (
              <li key={c.id} className={`admin-card canned-card${editing?.id === c.id ? ' editing' : ''}`} data-canned={c.id}>
                <div className="admin-row">
                  <strong>/{c.shortcode}</strong>
                  <span className="chip" data-testid="canned-unit">
                    {unitName(c.unitId)}
                  </span>
                  <span className="admin-muted admin-wrap">{c.title}</span>
                </div>
                <p className="canned-text">{c.text}</p>
                <div className="admin-row">
                  <button type="button" aria-pressed={editing?.id === c.id} aria-label={`${t('admin.ch.edit')} /${c.shortcode}`} onClick={() => setEditing(editing?.id === c.id ? null : c)}>
                    {t('admin.ch.edit')}
                  </button>
                </div>
                <DeleteControl
                  id={c.id}
                  name={`/${c.shortcode}`}
                  remove={() => noContent(api.DELETE('/api/v1/canned-responses/{id}', { params: { path: { id: c.id } } }))}
                  onDeleted={async () => {
                    if (editing?.id === c.id) setEditing(null);
                    await reload();
                  }}
                  onError={onError}
                />
              </li>
            ))}
          </ul>
        )}
      </section>
      <CannedForm
        key={editing?.id ?? 'new'}
        canned={editing}
        units={choices}
        orgWide={orgWide}
        defaultUnitId={me.unit.id}
        onSaved={async () => {
          setEditing(null);
          await reload();
        }}
        onCancel={() => setEditing(null)}
        onError={onError}
      />
    </div>
  );
}
