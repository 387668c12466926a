import { useState } from 'react';
import { api, type ConversationDetail, type Me, ok } from '../api/client';
import { useI18n } from '../i18n';
import { AssignDialog } from './AssignDialog';
import { errorText, isUnauthorized } from './errors';

interface Props {
  detail: ConversationDetail;
  me: Me;
  onDone: () => void;
  onError: (e: unknown) => void;
}

/** Claim, assign/transfer with a note, complete, reopen, trash: each shown only with its permission. */
export function Actions({ detail, me, onDone, onError }: Props) {
  const { t } = useI18n();
  const can = (p: string) => me.permissions.includes(p as never);
  const [assigning, setAssigning] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const path = { params: { path: { id: detail.id } } };
  const run = (call: Promise<unknown>) => {
    setError(null);
    call.then(onDone).catch((e) => (isUnauthorized(e) ? onError(e) : setError(errorText(e))));
  };
  const open = detail.status === 'open';

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
      {assigning && <AssignDialog detail={detail} onDone={onDone} onClose={() => setAssigning(false)} onError={onError} />}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </div>
  );
}
