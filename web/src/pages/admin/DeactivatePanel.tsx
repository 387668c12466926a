import { type FormEvent, useEffect, useState } from 'react';
import { activeMembers, api, type Member, ok, type Schemas, type Unit } from '../../api/client';
import { useI18n } from '../../i18n';
import { type Role, useSubmit } from './member-forms';
import { fill } from './members.messages';

export type Deactivation = Schemas['MemberDeactivationDto'] & { handover: Member };

interface Props {
  leaver: Member;
  units: Unit[];
  roles: Role[];
  onError: (e: unknown) => void;
  onDone: (r: Deactivation) => void;
  onCancel: () => void;
}

/**
 * Staff departure: the admin picks the handover member (active, with inbox access, not the
 * leaver), then POST /members/:id/deactivate moves the leaver's bindings and open conversations.
 */
export function DeactivatePanel({ leaver, units, roles, onError, onDone, onCancel }: Props) {
  const { t } = useI18n();
  const { failure, busy, submit } = useSubmit(onError);
  const [candidates, setCandidates] = useState<Member[]>([]);
  const [handoverId, setHandoverId] = useState('');
  useEffect(() => {
    const inbox = new Set(roles.filter((r) => r.permissions.includes('inbox.access')).map((r) => r.id));
    activeMembers(2000)
      .then((all) => setCandidates(all.filter((m) => m.id !== leaver.id && inbox.has(m.roleId))))
      .catch(onError);
  }, [leaver.id, roles, onError]);
  const unitName = (id: string) => units.find((u) => u.id === id)?.name ?? '';

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const handover = candidates.find((m) => m.id === handoverId);
    if (!handover) return;
    const res = await submit(() => ok(api.POST('/api/v1/members/{id}/deactivate', { params: { path: { id: leaver.id } }, body: { handoverMemberId: handover.id } })));
    if (res) onDone({ ...res, handover });
  };

  const title = fill(t('members.deactivateTitle'), { name: leaver.displayName });
  return (
    <section className="members-panel" aria-label={title}>
      <h4>{title}</h4>
      <p>{t('members.deactivateIntro')}</p>
      <form className="members-form" onSubmit={onSubmit}>
        <label>
          {t('members.handover')}
          <select required value={handoverId} onChange={(e) => setHandoverId(e.target.value)} autoFocus>
            <option value="" />
            {candidates.map((m) => (
              <option key={m.id} value={m.id}>
                {m.displayName} · {unitName(m.unitId)}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="danger" disabled={busy || !handoverId}>
          {t('members.confirmDeactivate')}
        </button>
        <button type="button" onClick={onCancel}>
          {t('cancel')}
        </button>
        {failure && <p role="alert" className="error">{failure}</p>}
      </form>
    </section>
  );
}

/** What the departure moved, as the API counted it. */
export function HandoverResult({ result, onClose }: { result: Deactivation; onClose: () => void }) {
  const { t } = useI18n();
  return (
    <section className="members-panel result" role="status" aria-label={t('members.deactivate')} data-testid="handover-result">
      <p>{fill(t('members.result'), { name: result.member.displayName, handover: result.handover.displayName })}</p>
      <dl className="moved">
        <div>
          <dt>{t('members.movedConversations')}</dt>
          <dd data-testid="moved-conversations">{result.moved.conversations}</dd>
        </div>
        <div>
          <dt>{t('members.movedBindings')}</dt>
          <dd data-testid="moved-bindings">{result.moved.bindings}</dd>
        </div>
      </dl>
      <button type="button" onClick={onClose}>
        {t('members.close')}
      </button>
    </section>
  );
}
