import { useCallback, useEffect, useState } from 'react';
import { api, ok, type Schemas } from '../../api/client';
import { useI18n } from '../../i18n';
import type { PageProps } from '../page-props';
import { RoleEditor } from './RoleEditor';

export type Role = Schemas['RoleDto'];
export type PermissionInfo = Schemas['PermissionInfoDto'];

/** Roles on the left, the chosen one (or a new one) in the editor. */
export function RolesAdmin({ onError }: PageProps) {
  const { t } = useI18n();
  const [roles, setRoles] = useState<Role[] | null>(null);
  const [catalog, setCatalog] = useState<PermissionInfo[]>([]);
  const [selected, setSelected] = useState<string | 'new' | null>(null);

  const load = useCallback(async () => {
    try {
      const [r, c] = await Promise.all([ok(api.GET('/api/v1/roles')), ok(api.GET('/api/v1/permissions'))]);
      setRoles(r.items);
      setCatalog(c.items);
    } catch (e) {
      onError(e);
    }
  }, [onError]);
  useEffect(() => {
    void load();
  }, [load]);

  if (!roles) return <p>{t('admin.loading')}</p>;
  const role = roles.find((r) => r.id === selected) ?? null;
  return (
    <div className="admin-split">
      <section aria-labelledby="roles-h">
        <h3 id="roles-h">{t('admin.roles.list')}</h3>
        <ul className="admin-tree" aria-label={t('admin.roles.list')}>
          {roles.map((r) => (
            <li key={r.id}>
              <button type="button" className={r.id === selected ? 'active' : ''} aria-pressed={r.id === selected} onClick={() => setSelected(r.id)} data-role={r.id}>
                {r.name}
                {r.builtin && <span className="admin-muted"> · {t('admin.roles.builtin')}</span>}
              </button>
            </li>
          ))}
          <li>
            <button type="button" className={selected === 'new' ? 'active' : ''} aria-pressed={selected === 'new'} onClick={() => setSelected('new')}>
              + {t('admin.roles.new')}
            </button>
          </li>
        </ul>
      </section>
      {selected === 'new' || role ? (
        <RoleEditor
          key={role?.id ?? 'new'}
          role={role}
          catalog={catalog}
          onSaved={async (saved) => {
            await load();
            setSelected(saved.id);
          }}
          onDeleted={async () => {
            setSelected(null);
            await load();
          }}
          onError={onError}
        />
      ) : (
        <p className="admin-muted">{t('admin.roles.pick')}</p>
      )}
    </div>
  );
}
