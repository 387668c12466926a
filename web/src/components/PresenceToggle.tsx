import { useEffect, useState } from 'react';
import { api, type Member, ok } from '../api/client';
import { useI18n } from '../i18n';
import { errorText, isUnauthorized } from './errors';

type Presence = NonNullable<Member['presence']>;

/**
 * My presence in the top bar: available or away (offline is what the server says when no console
 * is connected). Read from my member record, set with PUT /me/status.
 */
export function PresenceToggle({ memberId, onError }: { memberId: string; onError: (e: unknown) => void }) {
  const { t } = useI18n();
  const [presence, setPresence] = useState<Presence | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    ok(api.GET('/api/v1/members/{id}', { params: { path: { id: memberId } } }))
      .then((m) => setPresence(m.presence ?? null))
      .catch(onError);
  }, [memberId, onError]);

  const set = (status: 'available' | 'away') => {
    setError(null);
    ok(api.PUT('/api/v1/me/status', { body: { status } }))
      .then((r) => setPresence(r.presence))
      .catch((e) => (isUnauthorized(e) ? onError(e) : setError(errorText(e))));
  };

  return (
    <label className={`presence ${presence ?? 'unknown'}`} title={error ?? undefined}>
      <span className="sr-only">{t('inbox.presence')}</span>
      <select data-testid="presence" value={presence === 'away' ? 'away' : 'available'} onChange={(e) => set(e.target.value as 'available' | 'away')} aria-invalid={error ? true : undefined}>
        <option value="available">{t('inbox.presence.available')}</option>
        <option value="away">{t('inbox.presence.away')}</option>
      </select>
    </label>
  );
}
