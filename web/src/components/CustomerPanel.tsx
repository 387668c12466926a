import { useCallback, useEffect, useState } from 'react';
import { api, type Customer, type Me, type Member, ok } from '../api/client';
import { useI18n } from '../i18n';
import { CustomerBinding } from './CustomerBinding';
import { CustomerTags } from './CustomerTags';
import { errorText, isUnauthorized } from './errors';

const show = (v: unknown) => (v === null || v === undefined || v === '' ? null : typeof v === 'object' ? JSON.stringify(v) : String(v));
const PROFILE_FIELDS = ['name', 'phone', 'email', 'birthday', 'idNumber', 'bankCard', 'note'] as const;

interface Props {
  customer: Customer;
  me: Me;
  members: Member[];
  /** Read-only access (previously handled): look, never edit. */
  readOnly: boolean;
  onError: (e: unknown) => void;
}

/**
 * The customer as the API returns it to this member: fields it may not see are absent, sensitive
 * ones masked until revealed (each reveal is audited by the server), then tags and binding.
 */
export function CustomerPanel({ customer: given, me, members, readOnly, onError }: Props) {
  const { t } = useI18n();
  const [customer, setCustomer] = useState(given);
  const [error, setError] = useState<string | null>(null);
  const [revealing, setRevealing] = useState(false);
  useEffect(() => setCustomer(given), [given]);

  const can = (p: string) => me.permissions.includes(p as never);
  const fail = useCallback((e: unknown) => (isUnauthorized(e) ? onError(e) : setError(errorText(e))), [onError]);
  const changed = useCallback((c: Customer) => {
    setError(null);
    setCustomer(c);
  }, []);

  const reveal = () => {
    setRevealing(true);
    ok(api.GET('/api/v1/customers/{id}', { params: { path: { id: customer.id }, query: { reveal: true } } }))
      .then(changed)
      .catch(fail)
      .finally(() => setRevealing(false));
  };

  const profile = (customer.profile ?? {}) as Record<string, unknown>;
  const fields = PROFILE_FIELDS.filter((k) => show(profile[k]) !== null).map((k) => [k, profile[k]] as const);
  const custom = Object.entries((profile.custom as Record<string, unknown> | null | undefined) ?? {});
  const masked = customer.masked ?? [];
  return (
    <aside className="customer" aria-label={t('customer')}>
      <h3>{customer.displayName}</h3>
      {customer.profile === undefined && <p className="hint">{t('inbox.noProfile')}</p>}
      <dl>
        {fields.map(([k, v]) => (
          <div key={k} data-field={k}>
            <dt>{t(`inbox.field.${k}`)}</dt>
            <dd>
              <span className="value">{show(v)}</span>
              {masked.includes(k) && <span className="masked"> ({t('masked')})</span>}
            </dd>
          </div>
        ))}
        {custom.map(([k, v]) => (
          <div key={`custom.${k}`}>
            <dt>{k}</dt>
            <dd>{show(v)}</dd>
          </div>
        ))}
      </dl>
      {masked.length > 0 && can('customer.sensitive.view') && (
        <button type="button" className="reveal" onClick={reveal} disabled={revealing}>
          {t('inbox.reveal')}
        </button>
      )}
      {masked.length > 0 && <p className="hint">{can('customer.sensitive.view') ? t('inbox.revealAudited') : t('inbox.maskedNoPermission')}</p>}
      <CustomerTags customer={customer} editable={!readOnly && can('customer.tags.edit')} onChanged={changed} onFail={fail} />
      <CustomerBinding customer={customer} members={members} manage={!readOnly && can('binding.manage')} onChanged={changed} onFail={fail} />
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </aside>
  );
}
