import { type FormEvent, useState } from 'react';
import { api, ApiError, type Member, ok, type Schemas, type Unit } from '../../api/client';
import { formatTime, useI18n } from '../../i18n';
import { fill } from './members.messages';

export type Role = Schemas['RoleDto'];

/** Runs an admin call: a refusal (409, 422…) is shown beside the form, a 401 goes to the shell. */
export function useSubmit(onError: (e: unknown) => void) {
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async <T,>(call: () => Promise<T>): Promise<T | undefined> => {
    setBusy(true);
    setFailure(null);
    try {
      return await call();
    } catch (e) {
      if (e instanceof ApiError && e.status !== 401) setFailure(e.message);
      else onError(e);
      return undefined;
    } finally {
      setBusy(false);
    }
  };
  return { failure, busy, submit };
}

export const unitLabel = (u: Unit) => `${'— '.repeat(Math.max(0, u.depth - 1))}${u.name}`;

/** Unit and role pickers shared by the create, invite and edit forms. */
function UnitRolePickers({ units, roles, unitId, roleId, onUnit, onRole }: { units: Unit[]; roles: Role[]; unitId: string; roleId: string; onUnit: (v: string) => void; onRole: (v: string) => void }) {
  const { t } = useI18n();
  return (
    <>
      <label>
        {t('members.unit')}
        <select required value={unitId} onChange={(e) => onUnit(e.target.value)}>
          <option value="" />
          {units.map((u) => (
            <option key={u.id} value={u.id}>
              {unitLabel(u)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('members.role')}
        <select required value={roleId} onChange={(e) => onRole(e.target.value)}>
          <option value="" />
          {roles.map((r) => (
            <option key={r.id} value={r.id}>
              {r.name}
            </option>
          ))}
        </select>
      </label>
    </>
  );
}

interface FormProps {
  units: Unit[];
  roles: Role[];
  onError: (e: unknown) => void;
}

/** POST /api/v1/members: a member with an initial password. */
export function CreateMemberForm({ units, roles, onError, onCreated }: FormProps & { onCreated: (m: Member) => void }) {
  const { t } = useI18n();
  const { failure, busy, submit } = useSubmit(onError);
  const [f, setF] = useState({ email: '', displayName: '', password: '', unitId: '', roleId: '' });
  const [done, setDone] = useState<string | null>(null);
  const set = (k: keyof typeof f) => (v: string) => setF((s) => ({ ...s, [k]: v }));
  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const m = await submit(() => ok(api.POST('/api/v1/members', { body: f })));
    if (!m) return;
    setDone(fill(t('members.created'), { name: m.displayName }));
    setF({ email: '', displayName: '', password: '', unitId: f.unitId, roleId: f.roleId });
    onCreated(m);
  };
  return (
    <form className="members-form" onSubmit={onSubmit} aria-label={t('members.new')}>
      <label>
        {t('members.email')}
        <input type="email" required value={f.email} onChange={(e) => set('email')(e.target.value)} />
      </label>
      <label>
        {t('members.displayName')}
        <input required maxLength={100} value={f.displayName} onChange={(e) => set('displayName')(e.target.value)} />
      </label>
      <label>
        {t('members.password')}
        <input type="password" required minLength={8} autoComplete="new-password" value={f.password} onChange={(e) => set('password')(e.target.value)} />
      </label>
      <UnitRolePickers units={units} roles={roles} unitId={f.unitId} roleId={f.roleId} onUnit={set('unitId')} onRole={set('roleId')} />
      <button type="submit" className="primary" disabled={busy}>
        {t('members.create')}
      </button>
      {failure && <p role="alert" className="error">{failure}</p>}
      {done && !failure && <p role="status">{done}</p>}
    </form>
  );
}

/** POST /api/v1/invitations: the invitee picks their own name and password from the emailed link. */
export function InviteForm({ units, roles, onError }: FormProps) {
  const { t, lang, tz } = useI18n();
  const { failure, busy, submit } = useSubmit(onError);
  const [f, setF] = useState({ email: '', unitId: '', roleId: '' });
  const [done, setDone] = useState<string | null>(null);
  const set = (k: keyof typeof f) => (v: string) => setF((s) => ({ ...s, [k]: v }));
  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const inv = await submit(() => ok(api.POST('/api/v1/invitations', { body: f })));
    if (!inv) return;
    setDone(fill(t('members.invited'), { email: inv.email, date: formatTime(inv.expiresAt, lang, tz) }));
    setF((s) => ({ ...s, email: '' }));
  };
  return (
    <form className="members-form" onSubmit={onSubmit} aria-label={t('members.invite')}>
      <label>
        {t('members.email')}
        <input type="email" required value={f.email} onChange={(e) => set('email')(e.target.value)} />
      </label>
      <UnitRolePickers units={units} roles={roles} unitId={f.unitId} roleId={f.roleId} onUnit={set('unitId')} onRole={set('roleId')} />
      <button type="submit" className="primary" disabled={busy}>
        {t('members.sendInvite')}
      </button>
      {failure && <p role="alert" className="error">{failure}</p>}
      {done && !failure && <p role="status">{done}</p>}
    </form>
  );
}

/** PATCH /api/v1/members/:id: unit and role (permissions follow at once on the member's screens). */
export function EditMemberForm({ member, units, roles, onError, onSaved, onCancel }: FormProps & { member: Member; onSaved: (m: Member) => void; onCancel: () => void }) {
  const { t } = useI18n();
  const { failure, busy, submit } = useSubmit(onError);
  const [unitId, setUnitId] = useState(member.unitId);
  const [roleId, setRoleId] = useState(member.roleId);
  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const m = await submit(() => ok(api.PATCH('/api/v1/members/{id}', { params: { path: { id: member.id } }, body: { unitId, roleId } })));
    if (m) onSaved(m);
  };
  return (
    <form className="members-form inline" onSubmit={onSubmit} aria-label={`${t('members.edit')} ${member.displayName}`}>
      <UnitRolePickers units={units} roles={roles} unitId={unitId} roleId={roleId} onUnit={setUnitId} onRole={setRoleId} />
      <button type="submit" className="primary" disabled={busy}>
        {t('members.save')}
      </button>
      <button type="button" onClick={onCancel}>
        {t('cancel')}
      </button>
      {failure && <p role="alert" className="error">{failure}</p>}
    </form>
  );
}
