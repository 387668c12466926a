import { type FormEvent, useState } from 'react';
import { api, ok } from '../../api/client';
import { useI18n } from '../../i18n';
import { FormError, indented, Saved, treeOrder, useFormError, useUnits } from './admin-shared';
import type { ChannelAccount } from './ChannelsAdmin';

/**
 * Rename an account, rotate its secrets (blank = keep; they are never read back), set the home
 * unit for unbound customers and the public handle its binding deep links need.
 */
export function ChannelEditor({ account, onSaved, onError }: { account: ChannelAccount; onSaved: () => Promise<void>; onError: (e: unknown) => void }) {
  const { t } = useI18n();
  const [units] = useUnits(onError);
  const [name, setName] = useState(account.name);
  const [secret, setSecret] = useState('');
  const [accessToken, setAccessToken] = useState('');
  const [verifyToken, setVerifyToken] = useState('');
  const [routingUnitId, setRoutingUnitId] = useState(account.routingUnitId ?? '');
  const handleField = ({ line: 'basicId', instagram: 'username', whatsapp: 'phoneNumber' } as const)[account.type as 'line' | 'instagram' | 'whatsapp'];
  const [handle, setHandle] = useState((handleField && account[handleField]) ?? '');
  const [saved, setSaved] = useState(false);
  const [error, fail, clear] = useFormError(onError);
  const prefix = `ch-${account.id}`;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    clear();
    setSaved(false);
    const body = {
      ...(name.trim() !== account.name ? { name: name.trim() } : {}),
      ...(secret ? { secret } : {}),
      ...(accessToken ? { accessToken } : {}),
      ...(verifyToken ? { verifyToken } : {}),
      ...((routingUnitId || null) !== account.routingUnitId ? { routingUnitId: routingUnitId || null } : {}),
      ...(handleField && handle.trim() !== (account[handleField] ?? '') ? { [handleField]: handle.trim() || null } : {}),
    };
    try {
      if (Object.keys(body).length) await ok(api.PATCH('/api/v1/channel-accounts/{id}', { params: { path: { id: account.id } }, body }));
      setSecret('');
      setAccessToken('');
      setVerifyToken('');
      setSaved(true);
      await onSaved();
    } catch (err) {
      fail(err);
    }
  };

  return (
    <form className="admin-form admin-inline" onSubmit={submit} aria-describedby={`${prefix}-error`} autoComplete="off">
      <label>
        {t('admin.name')}
        <input value={name} required maxLength={100} onChange={(e) => setName(e.target.value)} />
      </label>
      <p className="admin-muted">{t('admin.ch.secretsHint')}</p>
      <label>
        {t('admin.ch.secret')}
        <input type="password" value={secret} maxLength={500} autoComplete="new-password" onChange={(e) => setSecret(e.target.value)} />
      </label>
      <label>
        {t('admin.ch.accessToken')}
        <input type="password" value={accessToken} maxLength={2000} autoComplete="new-password" onChange={(e) => setAccessToken(e.target.value)} />
      </label>
      {account.type !== 'line' && (
        <label>
          {t('admin.ch.verifyToken')}
          <input type="password" value={verifyToken} maxLength={500} autoComplete="new-password" onChange={(e) => setVerifyToken(e.target.value)} />
        </label>
      )}
      <label>
        {t('admin.ch.routingUnit')}
        <select value={routingUnitId} onChange={(e) => setRoutingUnitId(e.target.value)}>
          <option value="">{t('admin.none')}</option>
          {treeOrder(units ?? []).map((u) => (
            <option key={u.id} value={u.id}>
              {indented(u)}
            </option>
          ))}
        </select>
      </label>
      {handleField && (
        <label>
          {t(`admin.ch.${handleField}`)}
          <input value={handle} maxLength={handleField === 'phoneNumber' ? 32 : 100} onChange={(e) => setHandle(e.target.value)} />
        </label>
      )}
      <FormError id={`${prefix}-error`} message={error} />
      <div className="admin-row">
        <button type="submit" className="primary">
          {t('admin.save')}
        </button>
        <Saved show={saved} />
      </div>
    </form>
  );
}
