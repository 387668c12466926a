import type { Customer } from '../api/client';
import { useI18n } from '../i18n';

const show = (v: unknown) => (v === null || v === undefined || v === '' ? null : typeof v === 'object' ? JSON.stringify(v) : String(v));

/** The customer as the API returns it to this member (fields it may not see are absent or masked). */
export function CustomerPanel({ customer }: { customer: Customer }) {
  const { t } = useI18n();
  const fields = Object.entries(customer.profile ?? {}).filter(([k, v]) => k !== 'custom' && show(v) !== null);
  const custom = Object.entries((customer.profile?.custom as Record<string, unknown> | null | undefined) ?? {});
  return (
    <aside className="customer" aria-label={t('customer')}>
      <h3>{customer.displayName}</h3>
      <dl>
        {[...fields, ...custom].map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>
              {show(v)}
              {customer.masked?.includes(k) ? ` (${t('masked')})` : ''}
            </dd>
          </div>
        ))}
      </dl>
      {customer.tags && customer.tags.length > 0 && (
        <p className="tags">
          {t('tags')}:{' '}
          {customer.tags.map((tag) => (
            <span key={tag} className="chip">
              {tag}
            </span>
          ))}
        </p>
      )}
    </aside>
  );
}
