import { type FormEvent, useEffect, useState } from 'react';
import { api, type Customer, type Member, ok, type Unit } from '../api/client';
import { useI18n } from '../i18n';
import { loadUnits } from './directory';

interface Props {
  customer: Customer;
  members: Member[];
  /** `binding.manage` and write access: bind, transfer or unbind. */
  manage: boolean;
  onChanged: (c: Customer) => void;
  onFail: (e: unknown) => void;
}

/** Who the customer is bound to (unit, and member if any); with `binding.manage`, change or remove it. */
export function CustomerBinding({ customer, members, manage, onChanged, onFail }: Props) {
  const { t } = useI18n();
  const [units, setUnits] = useState<Unit[]>([]);
  const [editing, setEditing] = useState(false);
  const [unitId, setUnitId] = useState(customer.boundUnitId ?? '');
  const [memberId, setMemberId] = useState(customer.boundMemberId ?? '');
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    loadUnits().then(setUnits).catch(onFail);
  }, [onFail]);
  useEffect(() => {
    setUnitId(customer.boundUnitId ?? '');
    setMemberId(customer.boundMemberId ?? '');
  }, [customer.boundUnitId, customer.boundMemberId]);

  const unitName = units.find((u) => u.id === customer.boundUnitId)?.name;
  const memberName = members.find((m) => m.id === customer.boundMemberId)?.displayName;
  const call = (p: Promise<Customer>) => {
    setBusy(true);
    p.then((c) => (onChanged(c), setEditing(false)))
      .catch(onFail)
      .finally(() => setBusy(false));
  };
  const path = { params: { path: { id: customer.id } } };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (unitId) call(ok(api.PUT('/api/v1/customers/{id}/binding', { ...path, body: { unitId, memberId: memberId || undefined } })));
  };

  return (
    <section className="binding" aria-label={t('inbox.binding')}>
      <h4>{t('inbox.binding')}</h4>
      <p data-testid="binding">
        {customer.boundUnitId ? `${unitName ?? '…'}${customer.boundMemberId ? ` · ${memberName ?? '…'}` : ''}` : t('inbox.notBound')}
      </p>
      {manage && !editing && (
        <div className="binding-actions">
          <button type="button" onClick={() => setEditing(true)}>
            {customer.boundUnitId ? t('inbox.changeBinding') : t('inbox.bind')}
          </button>
          {customer.boundUnitId && (
            <button type="button" disabled={busy} onClick={() => call(ok(api.DELETE('/api/v1/customers/{id}/binding', path)))}>
              {t('inbox.unbind')}
            </button>
          )}
        </div>
      )}
      {manage && editing && (
        <form className="binding-form" onSubmit={submit}>
          <label>
            {t('inbox.unit')}
            <select required value={unitId} onChange={(e) => (setUnitId(e.target.value), setMemberId(''))}>
              <option value="" />
              {units.map((u) => (
                <option key={u.id} value={u.id}>
                  {'　'.repeat(Math.max(0, u.depth - 1))}
                  {u.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('inbox.bindMember')}
            <select value={memberId} onChange={(e) => setMemberId(e.target.value)}>
              <option value="">{t('inbox.anyMember')}</option>
              {members
                .filter((m) => m.unitId === unitId && m.status === 'active')
                .map((m) => (
                  <option key={m.id} value={m.id}>
                    {m.displayName}
                  </option>
                ))}
            </select>
          </label>
          <button type="submit" disabled={busy || !unitId}>
            {t('confirm')}
          </button>
          <button type="button" onClick={() => setEditing(false)}>
            {t('cancel')}
          </button>
        </form>
      )}
    </section>
  );
}
