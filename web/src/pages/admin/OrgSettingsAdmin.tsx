import { type FormEvent, useState } from 'react';
import { api, ok, type Org, type Schemas } from '../../api/client';
import { useI18n } from '../../i18n';
import type { PageProps } from '../page-props';
import { FormError, Saved, useFormError, useLoaded } from './admin-shared';
import './admin-settings.css';

type Settings = Org['settings'];
type NumberKey = Exclude<keyof Settings, 'timezone'>;
/** The numeric settings PATCH /api/v1/org accepts; the nullable ones mean "never" when left blank. */
const NUMBERS: { key: NumberKey; nullable: boolean }[] = [
  { key: 'transferTimeoutSeconds', nullable: false },
  { key: 'maxUnitDepth', nullable: false },
  { key: 'presenceGraceSeconds', nullable: false },
  { key: 'requeueOfflineAfterSeconds', nullable: true },
  { key: 'grantQuotaPerDay', nullable: false },
  { key: 'retentionDays', nullable: true },
];

const zones = (): string[] => {
  try {
    return Intl.supportedValuesOf('timeZone');
  } catch {
    return [];
  }
};

/**
 * The organisation's name and settings (GET/PATCH /api/v1/org). Only what changed is sent, and
 * the ranges are the server's to enforce: a value it refuses (400 for a malformed one, 422 for
 * a max depth below the current tree) is shown beside the form in its words, the form kept as typed.
 */
export function OrgSettingsAdmin({ onError }: PageProps) {
  const { t } = useI18n();
  const [org, , setOrg] = useLoaded(() => ok(api.GET('/api/v1/org')), onError);
  // Kept here: the form is rebuilt from the saved org, and "Saved" must outlive it.
  const [saved, setSaved] = useState(false);

  if (!org) return <p>{t('admin.loading')}</p>;
  return (
    <OrgForm
      key={JSON.stringify(org)}
      org={org}
      saved={saved}
      setSaved={setSaved}
      onSaved={(o) => (setOrg(o), setSaved(true))}
      onError={onError}
    />
  );
}

function OrgForm({ org, saved, setSaved, onSaved, onError }: { org: Org; saved: boolean; setSaved: (s: boolean) => void; onSaved: (o: Org) => void; onError: (e: unknown) => void }) {
  const { t } = useI18n();
  const [name, setName] = useState(org.name);
  const [timezone, setTimezone] = useState(org.settings.timezone);
  const [numbers, setNumbers] = useState<Record<NumberKey, string>>(() => Object.fromEntries(NUMBERS.map(({ key }) => [key, org.settings[key] == null ? '' : String(org.settings[key])])) as Record<NumberKey, string>);
  const [error, fail, clear] = useFormError(onError);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    clear();
    setSaved(false);
    const settings: Schemas['OrgSettingsDto'] = {};
    if (timezone.trim() !== org.settings.timezone) settings.timezone = timezone.trim();
    for (const { key, nullable } of NUMBERS) {
      const raw = numbers[key].trim();
      // Sent as typed (a fraction too): the server's validation names what is wrong.
      const value = raw === '' && nullable ? null : Number(raw);
      // Only the two nullable keys can get null (raw '' of the others is refused by `required`).
      if (value !== org.settings[key]) Object.assign(settings, { [key]: value });
    }
    const body = { ...(name.trim() !== org.name ? { name: name.trim() } : {}), ...(Object.keys(settings).length ? { settings } : {}) };
    try {
      const next = Object.keys(body).length ? await ok(api.PATCH('/api/v1/org', { body })) : org;
      // The new values come back as the server stored them; the form is rebuilt from them.
      onSaved(next);
    } catch (err) {
      fail(err);
    }
  };

  return (
    <section className="admin-editor org-settings" aria-labelledby="org-h">
      <h3 id="org-h" data-testid="org-name">
        {org.name}
      </h3>
      <form className="admin-form" onSubmit={submit} aria-describedby="org-error" data-testid="org-form">
        <label>
          {t('admin.org.name')}
          <input value={name} required maxLength={100} onChange={(e) => setName(e.target.value)} />
        </label>
        <label>
          {t('admin.org.timezone')}
          <input value={timezone} required list="org-timezones" onChange={(e) => setTimezone(e.target.value)} />
        </label>
        <datalist id="org-timezones">
          {zones().map((z) => (
            <option key={z} value={z} />
          ))}
        </datalist>
        <p className="admin-muted">{t('admin.org.timezoneHint')}</p>
        {NUMBERS.map(({ key, nullable }) => (
          <label key={key}>
            {t(`admin.org.${key}`)}
            <input type="number" step="any" inputMode="numeric" value={numbers[key]} required={!nullable} onChange={(e) => setNumbers((n) => ({ ...n, [key]: e.target.value }))} data-setting={key} />
          </label>
        ))}
        <FormError id="org-error" message={error} />
        <div className="admin-row">
          <button type="submit" className="primary">
            {t('admin.save')}
          </button>
          <Saved show={saved} />
        </div>
      </form>
    </section>
  );
}
