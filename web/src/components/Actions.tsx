import { type FormEvent, useState } from 'react';
import { api, type ConversationDetail, type Me, type Member, ok } from '../api/client';
import { useI18n } from '../i18n';

interface Props {
  detail: ConversationDetail;
  me: Me;
  members: Member[];
  onDone: () => void;
  onError: (e: unknown) => void;
}

/** Claim, assign/transfer with a note, complete, reopen, trash: each shown only with its permission. */
export function Actions({ detail, me, members, onDone, onError }: Props) {
  const { t } = useI18n();
  const can = (p: string) => me.permissions.includes(p as never);
  const [assigning, setAssigning] = useState(false);
  const [assigneeId, setAssigneeId] = useState('');
  const [note, setNote] = useState('');
  const path = { params: { path: { id: detail.id } } };
  const run = (call: Promise<unknown>) => call.then(onDone).catch(onError);
  const open = detail.status === 'open';
  const candidates = members.filter((m) => m.id !== detail.assigneeId && m.status === 'active');

  const submitAssign = (e: FormEvent) => {
    e.preventDefault();
    if (!assigneeId) return;
    run(ok(api.POST('/api/v1/conversations/{id}/assign', { ...path, body: { assigneeId, note: note.trim() || undefined } })));
    setAssigning(false);
    setNote('');
  };

  const shown = {
    claim: open && !detail.assigneeId && can('conversation.claim'),
    assign: open && can('conversation.assign'),
    complete: open && can('conversation.complete'),
    reopen: !open && can('conversation.complete'),
    trash: detail.status !== 'trashed' && can('conversation.trash'),
  };
  if (detail.readOnly || !Object.values(shown).some(Boolean)) return null;
  return (
    <div className="actions" role="toolbar" aria-label="actions">
      {shown.claim && (
        <button type="button" onClick={() => run(ok(api.POST('/api/v1/conversations/{id}/claim', path)))}>
          {t('claim')}
        </button>
      )}
      {shown.assign && (
        <button type="button" aria-expanded={assigning} onClick={() => setAssigning(!assigning)}>
          {t('assign')}
        </button>
      )}
      {shown.complete && (
        <button type="button" onClick={() => run(ok(api.POST('/api/v1/conversations/{id}/complete', path)))}>
          {t('complete')}
        </button>
      )}
      {shown.reopen && (
        <button type="button" onClick={() => run(ok(api.POST('/api/v1/conversations/{id}/reopen', path)))}>
          {t('reopen')}
        </button>
      )}
      {shown.trash && (
        <button type="button" onClick={() => run(ok(api.POST('/api/v1/conversations/{id}/trash', path)))}>
          {t('trash')}
        </button>
      )}
      {assigning && (
        <form className="assign" onSubmit={submitAssign}>
          <label>
            {t('assignTo')}
            <select name="assignee" required value={assigneeId} onChange={(e) => setAssigneeId(e.target.value)}>
              <option value="" />
              {candidates.map((m) => (
                <option key={m.id} value={m.id}>
                  {m.displayName}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('assignNote')}
            <input name="assign-note" value={note} maxLength={2000} onChange={(e) => setNote(e.target.value)} />
          </label>
          <button type="submit">{t('confirm')}</button>
          <button type="button" onClick={() => setAssigning(false)}>
            {t('cancel')}
          </button>
        </form>
      )}
    </div>
  );
}
