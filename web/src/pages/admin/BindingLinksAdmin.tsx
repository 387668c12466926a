import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { api, ok, type Schemas, noContent } from '../../api/client';
import { formatTime, useI18n } from '../../i18n';
import type { PageProps } from '../page-props';
import { CopyButton, FormError, indented, subtreeOf, treeOrder, useFormError, useUnits } from './admin-shared';
import { CHANNEL_NAMES, type ChannelAccount, type ChannelType } from './ChannelsAdmin';

type BindingLink = Schemas['BindingLinkDto'];
type CreatedLink = Schemas['CreatedBindingLinkDto'];

/**
 * Binding QR codes and links for the member's own unit or below (the server refuses others):
 * pick a unit and channel account, optionally a member of the unit; the new link shows its QR
 * code, text and URL; the unit's links can be revoked.
 */
export function BindingLinksAdmin({ me, members, onError }: PageProps) {
  const { t, lang, tz } = useI18n();
  const [units] = useUnits(onError);
  const [accounts, setAccounts] = useState<ChannelAccount[]>([]);
  const [unitId, setUnitId] = useState(me.unit.id);
  const [accountId, setAccountId] = useState('');
  const [memberId, setMemberId] = useState('');
  const [links, setLinks] = useState<BindingLink[]>([]);
  const [created, setCreated] = useState<CreatedLink | null>(null);
  const [error, fail, clear] = useFormError(onError);

  useEffect(() => {
    ok(api.GET('/api/v1/channel-accounts'))
      .then((r) => {
        setAccounts(r.items);
        setAccountId((id) => id || (r.items[0]?.id ?? ''));
      })
      .catch(onError);
  }, [onError]);

  const loadLinks = useCallback(
    (id: string) =>
      ok(api.GET('/api/v1/units/{id}/binding-links', { params: { path: { id } } }))
        .then((r) => setLinks(r.items))
        .catch(fail),
    [fail],
  );
  useEffect(() => {
    void loadLinks(unitId);
  }, [unitId, loadLinks]);

  const mine = units ? subtreeOf(units, me.unit.id) : new Set<string>();
  const choosable = treeOrder(units ?? []).filter((u) => mine.has(u.id));
  const unitName = (id: string) => units?.find((u) => u.id === id)?.name ?? '';
  const accountName = (id: string) => accounts.find((a) => a.id === id)?.name ?? '';
  const unitMembers = members.filter((m) => m.unitId === unitId);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    clear();
    setCreated(null);
    try {
      const link = await ok(api.POST('/api/v1/units/{id}/binding-links', { params: { path: { id: unitId } }, body: { channelAccountId: accountId, ...(memberId ? { memberId } : {}) } }));
      setCreated(link);
      await loadLinks(unitId);
    } catch (err) {
      fail(err);
    }
  };
  const revoke = async (id: string) => {
    clear();
    try {
      await noContent(api.DELETE('/api/v1/binding-links/{id}', { params: { path: { id } } }));
      if (created?.id === id) setCreated(null);
      await loadLinks(unitId);
    } catch (err) {
      fail(err);
    }
  };

  return (
    <div className="admin-stack">
      <section aria-labelledby="bl-h" className="admin-editor admin-binding">
        <h3 id="bl-h">{t('admin.bl.create')}</h3>
        <form className="admin-form" onSubmit={submit} aria-describedby="bl-error">
          <label>
            {t('admin.bl.unit')}
            <select value={unitId} onChange={(e) => (setUnitId(e.target.value), setMemberId(''), setCreated(null))}>
              {choosable.map((u) => (
                <option key={u.id} value={u.id}>
                  {indented(u)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('admin.bl.account')}
            <select value={accountId} required onChange={(e) => setAccountId(e.target.value)}>
              {accounts.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name} ({CHANNEL_NAMES[a.type as ChannelType] ?? a.type})
                </option>
              ))}
            </select>
          </label>
          {accounts.length === 0 && <p className="admin-muted">{t('admin.bl.noAccounts')}</p>}
          <label>
            {t('admin.bl.member')}
            <select value={memberId} onChange={(e) => setMemberId(e.target.value)}>
              <option value="">{t('admin.none')}</option>
              {unitMembers.map((m) => (
                <option key={m.id} value={m.id}>
                  {m.displayName}
                </option>
              ))}
            </select>
          </label>
          <FormError id="bl-error" message={error} />
          <div className="admin-row">
            <button type="submit" className="primary" disabled={!accountId}>
              {t('admin.bl.create')}
            </button>
          </div>
        </form>
        {created && <CreatedLinkCard link={created} unitName={unitName(created.unitId)} />}
      </section>
      <section aria-labelledby="bl-list-h">
        <h3 id="bl-list-h">{t('admin.bl.list')}</h3>
        {links.length === 0 && <p className="admin-muted">{t('admin.none')}</p>}
        <ul className="admin-cards">
          {links.map((l) => (
            <li key={l.id} className={`admin-card${l.revokedAt ? ' revoked' : ''}`} data-binding-link={l.id}>
              <div className="admin-row">
                <code>{l.token}</code>
                <span className="admin-muted">{accountName(l.channelAccountId)}</span>
                {l.memberId && <span className="admin-muted">{members.find((m) => m.id === l.memberId)?.displayName}</span>}
                <time className="admin-muted">{formatTime(l.createdAt, lang, tz)}</time>
                {l.revokedAt ? (
                  <span className="chip">{t('admin.bl.revoked')}</span>
                ) : (
                  <button type="button" onClick={() => void revoke(l.id)} aria-label={`${t('admin.bl.revoke')} ${l.token}`}>
                    {t('admin.bl.revoke')}
                  </button>
                )}
              </div>
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}

function CreatedLinkCard({ link, unitName }: { link: CreatedLink; unitName: string }) {
  const { t } = useI18n();
  const deep = Object.values(link.deepLinks).find(Boolean);
  return (
    <div className="admin-card admin-qr" role="status" data-testid="created-binding-link">
      <img src={link.qrPng} alt={t('admin.bl.qrAlt').replace('{unit}', unitName)} width={220} height={220} data-testid="binding-qr" />
      <dl>
        <dt>{t('admin.bl.text')}</dt>
        <dd>
          <code data-testid="binding-text">{link.text}</code> <CopyButton text={link.text} label={t('admin.bl.text')} />
        </dd>
        <dt>{t('admin.bl.url')}</dt>
        <dd>
          <a href={link.url} target="_blank" rel="noreferrer" data-testid="binding-url">
            {link.url}
          </a>{' '}
          <CopyButton text={link.url} label={t('admin.bl.url')} />
        </dd>
        {deep && (
          <>
            <dt>{t('admin.bl.deepLink')}</dt>
            <dd>
              <a href={deep} target="_blank" rel="noreferrer">
                {deep}
              </a>{' '}
              <CopyButton text={deep} label={t('admin.bl.deepLink')} />
            </dd>
          </>
        )}
      </dl>
    </div>
  );
}
