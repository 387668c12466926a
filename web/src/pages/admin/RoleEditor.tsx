import { type FormEvent, useState } from 'react';
import { api, ok, noContent } from '../../api/client';
import { useI18n } from '../../i18n';
import { FormError, Saved, useFormError } from './admin-shared';
import { DeleteControl } from './DeleteControl';
import type { PermissionInfo, Role } from './RolesAdmin';

const GROUPS = ['inbox', 'folder', 'conversation', 'customer', 'binding', 'admin', 'feature'] as const;
/** The notification events a role can route; the server says which ones its permissions allow. */
const EVENTS = ['customer.bound', 'conversation.transfer_timeout', 'mention', 'access_request'] as const;
const CHANNELS = ['web', 'email', 'push'] as const;
type Channel = (typeof CHANNELS)[number];
type Notifications = Record<string, Channel[]>;
type PermissionKey = Role['permissions'][number];

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x) => b.includes(x));

/**
 * A role's name, permission checkboxes (grouped as the catalog groups them), notification
 * channels per event and routing capacity. Only what changed is sent, so an untouched event
 * never trips the server's rule; a refusal (e.g. binding notifications without a bound-customer
 * folder, 422) is shown beside the form in the server's words.
 */
export function RoleEditor({
  role,
  catalog,
  onSaved,
  onDeleted,
  onError,
}: {
  role: Role | null;
  catalog: PermissionInfo[];
  onSaved: (r: Role) => Promise<void>;
  onDeleted: () => Promise<void>;
  onError: (e: unknown) => void;
}) {
  const { t, lang } = useI18n();
  const fixed = role?.builtinKey === 'administrator';
  const [name, setName] = useState(role?.name ?? '');
  const [permissions, setPermissions] = useState<PermissionKey[]>(role?.permissions ?? []);
  const [notifications, setNotifications] = useState<Notifications>(() => Object.fromEntries(EVENTS.map((ev) => [ev, (role?.notifications[ev] ?? []) as Channel[]])));
  const [maxOpen, setMaxOpen] = useState(role?.maxOpenConversations == null ? '' : String(role.maxOpenConversations));
  const [saved, setSaved] = useState(false);
  const [error, fail, clear] = useFormError(onError);

  const label = (p: PermissionInfo) => {
    const zh = t(`perm.${p.key}`);
    return lang === 'zh-TW' && zh !== `perm.${p.key}` ? zh : p.description;
  };
  const toggle = (key: PermissionKey, on: boolean) => setPermissions((ps) => (on ? [...ps, key] : ps.filter((x) => x !== key)));
  const toggleChannel = (ev: string, ch: Channel, on: boolean) => setNotifications((n) => ({ ...n, [ev]: on ? [...(n[ev] ?? []), ch] : (n[ev] ?? []).filter((x) => x !== ch) }));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    clear();
    setSaved(false);
    const max = maxOpen.trim() === '' ? null : Number(maxOpen);
    const changedEvents = Object.fromEntries(EVENTS.filter((ev) => !sameSet(notifications[ev] ?? [], role?.notifications[ev] ?? [])).map((ev) => [ev, notifications[ev] ?? []]));
    try {
      let out: Role;
      if (!role) {
        out = await ok(api.POST('/api/v1/roles', { body: { name: name.trim(), permissions, notifications: changedEvents, maxOpenConversations: max } }));
      } else {
        const body = {
          ...(name.trim() !== role.name ? { name: name.trim() } : {}),
          ...(!fixed && !sameSet(permissions, role.permissions) ? { permissions } : {}),
          ...(Object.keys(changedEvents).length ? { notifications: changedEvents } : {}),
          ...(max !== role.maxOpenConversations ? { maxOpenConversations: max } : {}),
        };
        out = Object.keys(body).length ? await ok(api.PATCH('/api/v1/roles/{id}', { params: { path: { id: role.id } }, body })) : role;
      }
      setSaved(true);
      await onSaved(out);
    } catch (err) {
      fail(err);
    }
  };

  return (
    <form className="admin-editor admin-form" onSubmit={submit} aria-labelledby="role-edit-h" aria-describedby="role-error">
      <h3 id="role-edit-h">{role ? role.name : t('admin.roles.new')}</h3>
      <label>
        {t('admin.name')}
        <input value={name} required maxLength={100} disabled={fixed} onChange={(e) => setName(e.target.value)} />
      </label>
      <fieldset className="admin-perms">
        <legend>{t('admin.roles.permissions')}</legend>
        {fixed && <p className="admin-muted">{t('admin.roles.adminFixed')}</p>}
        {GROUPS.map((g) => {
          const items = catalog.filter((p) => p.group === g);
          if (!items.length) return null;
          return (
            <fieldset key={g} className="admin-group">
              <legend>{t(`admin.group.${g}`)}</legend>
              {items.map((p) => (
                <label key={p.key} className="admin-check" title={p.key}>
                  <input type="checkbox" checked={fixed || permissions.includes(p.key as PermissionKey)} disabled={fixed} onChange={(e) => toggle(p.key as PermissionKey, e.target.checked)} data-permission={p.key} />
                  <span>{label(p)}</span>
                </label>
              ))}
            </fieldset>
          );
        })}
      </fieldset>
      <fieldset>
        <legend>{t('admin.roles.notifications')}</legend>
        <table className="admin-table admin-notify">
          <thead>
            <tr>
              <th scope="col">{t('admin.roles.event')}</th>
              {CHANNELS.map((ch) => (
                <th key={ch} scope="col">
                  {t(`admin.channel.${ch}`)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {EVENTS.map((ev) => (
              <tr key={ev}>
                <th scope="row">{t(`admin.event.${ev}`)}</th>
                {CHANNELS.map((ch) => (
                  <td key={ch}>
                    <input
                      type="checkbox"
                      aria-label={`${t(`admin.event.${ev}`)}: ${t(`admin.channel.${ch}`)}`}
                      checked={(notifications[ev] ?? []).includes(ch)}
                      onChange={(e) => toggleChannel(ev, ch, e.target.checked)}
                      data-notify={`${ev}:${ch}`}
                    />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </fieldset>
      <label>
        {t('admin.roles.maxOpen')}
        <input type="number" min={0} max={100000} step={1} inputMode="numeric" value={maxOpen} onChange={(e) => setMaxOpen(e.target.value)} />
      </label>
      <FormError id="role-error" message={error} />
      <div className="admin-row">
        <button type="submit" className="primary">
          {role ? t('admin.save') : t('admin.create')}
        </button>
        <Saved show={saved} />
      </div>
      {/* Built-in roles are never deleted; a custom one only once no member holds it (the server's 409 says how many do). */}
      {role && !role.builtin && (
        <DeleteControl id={role.id} name={role.name} remove={() => noContent(api.DELETE('/api/v1/roles/{id}', { params: { path: { id: role.id } } }))} onDeleted={onDeleted} onError={onError} />
      )}
    </form>
  );
}
