import { type FormEvent, useEffect, useState } from 'react';
import { api, type ConversationDetail, type EligibleAssignee, ok, type Unit } from '../api/client';
import { useI18n } from '../i18n';
import { loadUnits } from './directory';
import { errorText, isUnauthorized } from './errors';

interface Props {
  detail: ConversationDetail;
  onDone: () => void;
  onClose: () => void;
  onError: (e: unknown) => void;
}

/** Assign or transfer to an eligible member, or hand the conversation to a unit to route, with a note. */
export function AssignDialog({ detail, onDone, onClose, onError }: Props) {
  const { t } = useI18n();
  const [eligible, setEligible] = useState<EligibleAssignee[] | null>(null);
  const [units, setUnits] = useState<Unit[]>([]);
  const [target, setTarget] = useState<'member' | 'unit'>('member');
  const [assigneeId, setAssigneeId] = useState('');
  const [unitId, setUnitId] = useState('');
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    // The server's own list: exactly the members an assignment would accept.
    Promise.all([ok(api.GET('/api/v1/conversations/{id}/assignees', { params: { path: { id: detail.id } } })), loadUnits()])
      .then(([e, u]) => (setEligible(e.items), setUnits(u)))
      .catch((e) => (isUnauthorized(e) ? onError(e) : setError(errorText(e))));
  }, [detail.id, onError]);

  const unitName = (id: string) => units.find((u) => u.id === id)?.name ?? '';
  const candidates = (eligible ?? []).filter((m) => m.id !== detail.assigneeId);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const body = target === 'member' ? { assigneeId } : { unitId };
    if (!(body.assigneeId || body.unitId)) return;
    setBusy(true);
    setError(null);
    try {
      await ok(api.POST('/api/v1/conversations/{id}/assign', { params: { path: { id: detail.id } }, body: { ...body, note: note.trim() || undefined } }));
      onDone();
      onClose();
    } catch (err) {
      if (isUnauthorized(err)) onError(err);
      else setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="assign" onSubmit={submit} aria-label={t('assign')}>
      <fieldset className="assign-target">
        <legend className="sr-only">{t('inbox.assignTarget')}</legend>
        <label>
          <input type="radio" name="assign-target" checked={target === 'member'} onChange={() => setTarget('member')} />
          {t('inbox.toMember')}
        </label>
        <label>
          <input type="radio" name="assign-target" checked={target === 'unit'} onChange={() => setTarget('unit')} />
          {t('inbox.toUnit')}
        </label>
      </fieldset>
      {target === 'member' ? (
        <label>
          {t('assignTo')}
          <select name="assignee" aria-label={t('assignTo')} required value={assigneeId} onChange={(e) => setAssigneeId(e.target.value)}>
            <option value="" />
            {candidates.map((m) => (
              <option key={m.id} value={m.id}>
                {m.displayName} · {unitName(m.unitId)}
                {` · ${t(`inbox.presence.${m.presence}`)} · ${m.openConversations}${m.maxOpenConversations === null ? '' : `/${m.maxOpenConversations}`}`}
              </option>
            ))}
          </select>
        </label>
      ) : (
        <label>
          {t('inbox.unit')}
          <select name="unit" aria-label={t('inbox.unit')} required value={unitId} onChange={(e) => setUnitId(e.target.value)}>
            <option value="" />
            {units.map((u) => (
              <option key={u.id} value={u.id}>
                {'　'.repeat(Math.max(0, u.depth - 1))}
                {u.name} · {t(`inbox.routing.${u.routing}`)}
              </option>
            ))}
          </select>
        </label>
      )}
      <label>
        {t('assignNote')}
        <input name="assign-note" value={note} maxLength={2000} onChange={(e) => setNote(e.target.value)} />
      </label>
      <button type="submit" disabled={busy}>
        {t('confirm')}
      </button>
      <button type="button" onClick={onClose}>
        {t('cancel')}
      </button>
      {eligible && target === 'member' && !candidates.length && <p className="hint">{t('inbox.noEligible')}</p>}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </form>
  );
}
