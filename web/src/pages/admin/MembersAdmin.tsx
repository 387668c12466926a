import { useCallback, useEffect, useRef, useState } from 'react';
import { api, type Member, ok, type Unit } from '../../api/client';
import { useI18n } from '../../i18n';
import type { PageProps } from '../page-props';
import { hasPermission, treeOrder } from './admin-shared';
import { type Deactivation, DeactivatePanel, HandoverResult } from './DeactivatePanel';
import { CreateMemberForm, EditMemberForm, InviteForm, type Role, unitLabel } from './member-forms';
import './members-admin.css';

const PAGE = 25;
type Status = '' | 'active' | 'deactivated';
type Panel = { kind: 'none' } | { kind: 'new' } | { kind: 'invite' } | { kind: 'edit'; member: Member } | { kind: 'deactivate'; member: Member };

/**
 * Members: the list (filtered by unit and status, a page at a time), create, invite by email,
 * change unit/role, and deactivate with a handover member, showing what the handover moved.
 */
export function MembersAdmin({ me, onError }: PageProps) {
  const { t } = useI18n();
  const canManage = hasPermission(me, 'org.manage');
  const [units, setUnits] = useState<Unit[]>([]);
  const [roles, setRoles] = useState<Role[]>([]);
  const [unitId, setUnitId] = useState('');
  const [status, setStatus] = useState<Status>('active');
  const [items, setItems] = useState<Member[]>([]);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [panel, setPanel] = useState<Panel>({ kind: 'none' });
  const [result, setResult] = useState<Deactivation | null>(null);
  const filterKey = useRef('');

  useEffect(() => {
    Promise.all([ok(api.GET('/api/v1/units')), ok(api.GET('/api/v1/roles'))])
      .then(([u, r]) => {
        setUnits(treeOrder(u.items));
        setRoles(r.items);
      })
      .catch(onError);
  }, [onError]);

  const load = useCallback(
    async (cursor?: string) => {
      const key = `${unitId}|${status}`;
      filterKey.current = key;
      const page = await ok(api.GET('/api/v1/members', { params: { query: { limit: PAGE, cursor, unitId: unitId || undefined, status: status || undefined } } }));
      if (filterKey.current !== key) return; // the filter changed while this page was on its way
      setItems((prev) => (cursor ? [...prev, ...page.items.filter((m) => !prev.some((p) => p.id === m.id))] : page.items));
      setNextCursor(page.nextCursor ?? null);
    },
    [unitId, status],
  );
  useEffect(() => {
    load().catch(onError);
  }, [load, onError]);

  const replace = (m: Member) => setItems((prev) => prev.map((p) => (p.id === m.id ? { ...p, ...m } : p)));
  const unitName = (id: string) => units.find((u) => u.id === id)?.name ?? '';
  const roleName = (id: string) => roles.find((r) => r.id === id)?.name ?? '';
  const toggle = (kind: 'new' | 'invite') => setPanel((p) => (p.kind === kind ? { kind: 'none' } : { kind }));

  return (
    <section className="members-admin" aria-label={t('admin.members')}>
      <div className="members-toolbar">
        <h3>{t('admin.members')}</h3>
        <label>
          {t('members.unit')}
          <select value={unitId} onChange={(e) => setUnitId(e.target.value)}>
            <option value="">{t('members.allUnits')}</option>
            {units.map((u) => (
              <option key={u.id} value={u.id}>
                {unitLabel(u)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('members.status')}
          <select value={status} onChange={(e) => setStatus(e.target.value as Status)}>
            <option value="">{t('members.anyStatus')}</option>
            <option value="active">{t('members.status.active')}</option>
            <option value="deactivated">{t('members.status.deactivated')}</option>
          </select>
        </label>
        {canManage && (
          <>
            <button type="button" aria-expanded={panel.kind === 'new'} onClick={() => toggle('new')}>
              {t('members.new')}
            </button>
            <button type="button" aria-expanded={panel.kind === 'invite'} onClick={() => toggle('invite')}>
              {t('members.invite')}
            </button>
          </>
        )}
      </div>

      {result && <HandoverResult result={result} onClose={() => setResult(null)} />}
      {panel.kind === 'new' && <CreateMemberForm units={units} roles={roles} onError={onError} onCreated={() => load().catch(onError)} />}
      {panel.kind === 'invite' && <InviteForm units={units} roles={roles} onError={onError} />}
      {panel.kind === 'deactivate' && (
        <DeactivatePanel
          key={panel.member.id}
          leaver={panel.member}
          units={units}
          roles={roles}
          onError={onError}
          onCancel={() => setPanel({ kind: 'none' })}
          onDone={(r) => {
            setPanel({ kind: 'none' });
            setResult(r);
            load().catch(onError);
          }}
        />
      )}

      <div className="table-wrap">
        <table className="members-table">
          <thead>
            <tr>
              <th scope="col">{t('members.name')}</th>
              <th scope="col">{t('members.email')}</th>
              <th scope="col">{t('members.unit')}</th>
              <th scope="col">{t('members.role')}</th>
              <th scope="col">{t('members.status')}</th>
              <th scope="col">{t('members.presence')}</th>
              {canManage && <th scope="col">{t('members.actions')}</th>}
            </tr>
          </thead>
          <tbody>
            {items.map((m) => (
              <tr key={m.id} data-member={m.id} className={m.status}>
                <th scope="row">{m.displayName}</th>
                <td>{m.email}</td>
                <td>{unitName(m.unitId)}</td>
                <td>{roleName(m.roleId)}</td>
                <td>{t(`members.status.${m.status}`)}</td>
                <td>{m.presence ? <span className={`presence ${m.presence}`}>{t(`presence.${m.presence}`)}</span> : ''}</td>
                {canManage && (
                  <td>
                    <div className="row-actions">
                      {panel.kind === 'edit' && panel.member.id === m.id ? (
                        <EditMemberForm
                          member={m}
                          units={units}
                          roles={roles}
                          onError={onError}
                          onCancel={() => setPanel({ kind: 'none' })}
                          onSaved={(saved) => {
                            replace(saved);
                            setPanel({ kind: 'none' });
                          }}
                        />
                      ) : (
                        <>
                          <button type="button" aria-label={`${t('members.edit')} ${m.displayName}`} onClick={() => setPanel({ kind: 'edit', member: m })}>
                            {t('members.edit')}
                          </button>
                          {m.status === 'active' && m.id !== me.member.id && (
                            <button type="button" className="danger" aria-label={`${t('members.deactivate')} ${m.displayName}`} onClick={() => (setResult(null), setPanel({ kind: 'deactivate', member: m }))}>
                              {t('members.deactivate')}
                            </button>
                          )}
                        </>
                      )}
                    </div>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {!items.length && <p className="empty">{t('members.none')}</p>}
      {nextCursor && (
        <button type="button" className="more" onClick={() => load(nextCursor).catch(onError)}>
          {t('loadMore')}
        </button>
      )}
    </section>
  );
}
