import { type FormEvent, useState } from 'react';
import { api, ok, type Unit, noContent } from '../../api/client';
import { useI18n } from '../../i18n';
import type { PageProps } from '../page-props';
import { FormError, Saved, treeOrder, useFormError, useUnits } from './admin-shared';
import { DeleteControl } from './DeleteControl';

const ROUTING = ['manual', 'round_robin', 'least_busy'] as const;
type Routing = (typeof ROUTING)[number];

/** The unit tree (indented by level): pick a unit, rename it, set its routing mode, add a unit under it, delete it. */
export function UnitsAdmin({ onError }: PageProps) {
  const { t } = useI18n();
  const [units, reload] = useUnits(onError);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const ordered = units ? treeOrder(units) : [];
  const selected = ordered.find((u) => u.id === selectedId) ?? null;

  if (!units) return <p>{t('admin.loading')}</p>;
  return (
    <div className="admin-split">
      <section aria-labelledby="units-tree-h">
        <h3 id="units-tree-h">{t('admin.units.tree')}</h3>
        <ul className="admin-tree" aria-label={t('admin.units.tree')}>
          {ordered.map((u) => (
            <li key={u.id} style={{ paddingInlineStart: `${(u.depth - 1) * 1.25}rem` }}>
              <button type="button" className={u.id === selectedId ? 'active' : ''} aria-pressed={u.id === selectedId} onClick={() => setSelectedId(u.id)} data-unit={u.id}>
                {u.name}
                <span className="admin-muted"> · {t(`admin.units.routing.${u.routing}`)}</span>
              </button>
            </li>
          ))}
        </ul>
      </section>
      {selected ? <UnitEditor key={selected.id} unit={selected} onChanged={reload} onCreated={(id) => (setSelectedId(id), reload())} onDeleted={() => (setSelectedId(null), reload())} onError={onError} /> : <p className="admin-muted">{t('admin.units.pick')}</p>}
    </div>
  );
}

function UnitEditor({
  unit,
  onChanged,
  onCreated,
  onDeleted,
  onError,
}: {
  unit: Unit;
  onChanged: () => Promise<void>;
  onCreated: (id: string) => Promise<void>;
  onDeleted: () => Promise<void>;
  onError: (e: unknown) => void;
}) {
  const { t } = useI18n();
  const [name, setName] = useState(unit.name);
  const [routing, setRouting] = useState<Routing>(unit.routing);
  const [child, setChild] = useState('');
  const [saved, setSaved] = useState<'edit' | 'child' | null>(null);
  const [error, fail, clear] = useFormError(onError);

  const save = async (e: FormEvent) => {
    e.preventDefault();
    clear();
    setSaved(null);
    try {
      const body = { ...(name.trim() !== unit.name ? { name: name.trim() } : {}), ...(routing !== unit.routing ? { routing } : {}) };
      if (Object.keys(body).length) await ok(api.PATCH('/api/v1/units/{id}', { params: { path: { id: unit.id } }, body }));
      setSaved('edit');
      await onChanged();
    } catch (err) {
      fail(err);
    }
  };
  const create = async (e: FormEvent) => {
    e.preventDefault();
    clear();
    setSaved(null);
    try {
      const created = await ok(api.POST('/api/v1/units', { body: { name: child.trim(), parentId: unit.id } }));
      setChild('');
      await onCreated(created.id);
    } catch (err) {
      fail(err);
    }
  };

  return (
    <section className="admin-editor" aria-labelledby="unit-edit-h">
      <h3 id="unit-edit-h">
        {unit.name} <span className="admin-muted">({t('admin.units.level')} {unit.depth})</span>
      </h3>
      <FormError id="unit-error" message={error} />
      <form className="admin-form" onSubmit={save} aria-describedby="unit-error">
        <label>
          {t('admin.name')}
          <input value={name} required maxLength={100} onChange={(e) => setName(e.target.value)} />
        </label>
        <label>
          {t('admin.units.routing')}
          <select value={routing} onChange={(e) => setRouting(e.target.value as Routing)}>
            {ROUTING.map((r) => (
              <option key={r} value={r}>
                {t(`admin.units.routing.${r}`)}
              </option>
            ))}
          </select>
        </label>
        <div className="admin-row">
          <button type="submit" className="primary">
            {t('admin.save')}
          </button>
          <Saved show={saved === 'edit'} />
        </div>
      </form>
      <form className="admin-form" onSubmit={create} aria-describedby="unit-error">
        <h4>{t('admin.units.child')}</h4>
        <label>
          {t('admin.units.childName')}
          <input value={child} required maxLength={100} onChange={(e) => setChild(e.target.value)} />
        </label>
        <div className="admin-row">
          <button type="submit">{t('admin.create')}</button>
        </div>
      </form>
      {/* The root unit is the org itself and is never deleted; any other unit only when empty (the server says what is left in it). */}
      {unit.parentId !== null && (
        <DeleteControl id={unit.id} name={unit.name} remove={() => noContent(api.DELETE('/api/v1/units/{id}', { params: { path: { id: unit.id } } }))} onDeleted={onDeleted} onError={onError} />
      )}
    </section>
  );
}
