import { type FormEvent, useState } from 'react';
import { api, ok, type Schemas, noContent } from '../../api/client';
import { useI18n } from '../../i18n';
import type { PageProps } from '../page-props';
import { CopyButton, FormError, useFormError, useLoaded } from './admin-shared';
import { ChannelEditor } from './ChannelEditor';
import { DeleteControl } from './DeleteControl';

export type ChannelAccount = Schemas['ChannelAccountDto'];
export const CHANNEL_TYPES = ['line', 'messenger', 'instagram', 'whatsapp'] as const;
export type ChannelType = (typeof CHANNEL_TYPES)[number];
export const CHANNEL_NAMES: Record<ChannelType, string> = { line: 'LINE', messenger: 'Messenger', instagram: 'Instagram', whatsapp: 'WhatsApp' };

/** Connected provider accounts with the webhook URL to paste into each provider; secrets are write-only. An account is disconnected with a confirmation. */
export function ChannelsAdmin({ onError }: PageProps) {
  const { t } = useI18n();
  const [accounts, load] = useLoaded(async () => (await ok(api.GET('/api/v1/channel-accounts'))).items, onError);
  const [editing, setEditing] = useState<string | null>(null);

  if (!accounts) return <p>{t('admin.loading')}</p>;
  return (
    <div className="admin-stack">
      <section aria-labelledby="ch-list-h">
        <h3 id="ch-list-h">{t('admin.ch.list')}</h3>
        {accounts.length === 0 && <p className="admin-muted">{t('admin.none')}</p>}
        <ul className="admin-cards">
          {accounts.map((a) => (
            <li key={a.id} className="admin-card" data-channel-account={a.id}>
              <div className="admin-row">
                <strong>{a.name}</strong>
                <span className="chip">{CHANNEL_NAMES[a.type as ChannelType] ?? a.type}</span>
                <span className="admin-muted admin-wrap">{a.externalId}</span>
                <button type="button" onClick={() => setEditing(editing === a.id ? null : a.id)} aria-expanded={editing === a.id}>
                  {editing === a.id ? t('admin.ch.cancel') : t('admin.ch.edit')}
                </button>
              </div>
              <WebhookUrl account={a} where="list" />
              {editing === a.id && <ChannelEditor account={a} onSaved={load} onError={onError} />}
              <DeleteControl
                id={a.id}
                name={a.name}
                remove={() => noContent(api.DELETE('/api/v1/channel-accounts/{id}', { params: { path: { id: a.id } } }))}
                onDeleted={async () => {
                  if (editing === a.id) setEditing(null);
                  await load();
                }}
                onError={onError}
              />
            </li>
          ))}
        </ul>
      </section>
      <NewChannelAccount onCreated={async (a) => (await load(), setEditing(null), a)} onError={onError} />
    </div>
  );
}

export function WebhookUrl({ account, where }: { account: ChannelAccount; where: 'list' | 'created' }) {
  const { t } = useI18n();
  const id = `webhook-${where}-${account.id}`;
  return (
    <div className="admin-webhook">
      <label htmlFor={id}>{t('admin.ch.webhook')}</label>
      <div className="admin-row">
        <input id={id} readOnly value={account.webhookUrl} onFocus={(e) => e.target.select()} data-testid={`webhook-url-${where}`} />
        <CopyButton text={account.webhookUrl} label={t('admin.ch.webhook')} />
      </div>
    </div>
  );
}

function NewChannelAccount({ onCreated, onError }: { onCreated: (a: ChannelAccount) => Promise<ChannelAccount>; onError: (e: unknown) => void }) {
  const { t } = useI18n();
  const [type, setType] = useState<ChannelType>('line');
  const [name, setName] = useState('');
  const [externalId, setExternalId] = useState('');
  const [secret, setSecret] = useState('');
  const [accessToken, setAccessToken] = useState('');
  const [verifyToken, setVerifyToken] = useState('');
  const [created, setCreated] = useState<ChannelAccount | null>(null);
  const [error, fail, clear] = useFormError(onError);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    clear();
    setCreated(null);
    try {
      const body = { type, name: name.trim(), externalId: externalId.trim(), secret, accessToken, ...(type !== 'line' && verifyToken ? { verifyToken } : {}) };
      const account = await ok(api.POST('/api/v1/channel-accounts', { body }));
      // The secrets leave the browser's memory as soon as the server has them.
      setSecret('');
      setAccessToken('');
      setVerifyToken('');
      setName('');
      setExternalId('');
      setCreated(await onCreated(account));
    } catch (err) {
      fail(err);
    }
  };

  return (
    <section aria-labelledby="ch-new-h" className="admin-editor">
      <h3 id="ch-new-h">{t('admin.ch.new')}</h3>
      <form className="admin-form" onSubmit={submit} aria-describedby="ch-new-error" autoComplete="off">
        <label>
          {t('admin.ch.type')}
          <select value={type} onChange={(e) => setType(e.target.value as ChannelType)}>
            {CHANNEL_TYPES.map((c) => (
              <option key={c} value={c}>
                {CHANNEL_NAMES[c]}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('admin.name')}
          <input value={name} required maxLength={100} onChange={(e) => setName(e.target.value)} />
        </label>
        <label>
          {t(`admin.ch.externalId.${type}`)}
          <input value={externalId} required maxLength={200} onChange={(e) => setExternalId(e.target.value)} />
        </label>
        <p className="admin-muted">{t('admin.ch.secretsHint')}</p>
        <label>
          {t('admin.ch.secret')}
          <input type="password" value={secret} required maxLength={500} autoComplete="new-password" onChange={(e) => setSecret(e.target.value)} />
        </label>
        <label>
          {t('admin.ch.accessToken')}
          <input type="password" value={accessToken} required maxLength={2000} autoComplete="new-password" onChange={(e) => setAccessToken(e.target.value)} />
        </label>
        {type !== 'line' && (
          <label>
            {t('admin.ch.verifyToken')}
            <input type="password" value={verifyToken} maxLength={500} autoComplete="new-password" onChange={(e) => setVerifyToken(e.target.value)} />
          </label>
        )}
        <FormError id="ch-new-error" message={error} />
        <div className="admin-row">
          <button type="submit" className="primary">
            {t('admin.create')}
          </button>
        </div>
      </form>
      {created && (
        <div className="admin-card" role="status" data-testid="created-channel">
          <p>
            {t('admin.created')}: <strong>{created.name}</strong>. {t('admin.ch.webhookHint')}
          </p>
          <WebhookUrl account={created} where="created" />
        </div>
      )}
    </section>
  );
}
