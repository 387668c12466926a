import { useState } from 'react';
import { useI18n } from '../../i18n';
import { FormError, useFormError } from './admin-shared';
import './admin-settings.css';

/**
 * A delete button with a confirmation step. The server decides whether the thing may go (a unit
 * with members, a role still held, an account with customers answer 409/422); its refusal is shown
 * here in its own words, so the admin learns what to move first.
 */
export function DeleteControl({ id, name, remove, onDeleted, onError }: { id: string; name: string; remove: () => Promise<void>; onDeleted: () => unknown; onError: (e: unknown) => void }) {
  const { t } = useI18n();
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, fail, clear] = useFormError(onError);

  const confirm = async () => {
    clear();
    setBusy(true);
    try {
      await remove();
      setAsking(false);
      await onDeleted();
    } catch (err) {
      setAsking(false);
      fail(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="admin-delete" data-delete={id}>
      {asking ? (
        <div className="admin-row admin-confirm" role="group" aria-label={t('admin.del.confirmLabel')}>
          <span>{t('admin.del.confirm').replace('{name}', name)}</span>
          <button type="button" className="danger-solid" disabled={busy} onClick={() => void confirm()}>
            {t('admin.del.yes')}
          </button>
          <button type="button" disabled={busy} onClick={() => setAsking(false)}>
            {t('admin.del.no')}
          </button>
        </div>
      ) : (
        <button type="button" className="danger" aria-label={`${t('admin.del.delete')} ${name}`} onClick={() => (clear(), setAsking(true))}>
          {t('admin.del.delete')}
        </button>
      )}
      <FormError id={`delete-error-${id}`} message={error} />
    </div>
  );
}
