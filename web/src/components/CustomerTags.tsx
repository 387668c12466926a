import { type FormEvent, useEffect, useState } from 'react';
import { api, type Customer, ok } from '../api/client';
import { useI18n } from '../i18n';
import { loadUnits } from './directory';

interface Props {
  customer: Customer;
  editable: boolean;
  onChanged: (c: Customer) => void;
  onFail: (e: unknown) => void;
}

/**
 * The customer's tags (absent without `customer.tags.view`). The tag named after the bound unit
 * belongs to the binding: shown, never offered for removal (the server keeps it anyway).
 */
export function CustomerTags({ customer, editable, onChanged, onFail }: Props) {
  const { t } = useI18n();
  const [draft, setDraft] = useState('');
  const [bindingTag, setBindingTag] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!customer.boundUnitId) return setBindingTag(null);
    loadUnits()
      .then((units) => setBindingTag(units.find((u) => u.id === customer.boundUnitId)?.name ?? null))
      .catch(onFail);
  }, [customer.boundUnitId, onFail]);

  if (!customer.tags) return null;
  const tags = customer.tags;
  const save = (next: string[]) => {
    setBusy(true);
    ok(api.PUT('/api/v1/customers/{id}/tags', { params: { path: { id: customer.id } }, body: { tags: next } }))
      .then((c) => {
        onChanged(c);
        setDraft('');
      })
      .catch(onFail)
      .finally(() => setBusy(false));
  };
  const add = (e: FormEvent) => {
    e.preventDefault();
    const tag = draft.trim();
    if (tag && !tags.includes(tag)) save([...tags, tag]);
  };

  return (
    <section className="tags" aria-label={t('tags')}>
      <h4>{t('tags')}</h4>
      <ul className="tag-list">
        {!tags.length && <li className="hint">{t('inbox.noTags')}</li>}
        {tags.map((tag) => (
          <li key={tag} className={`chip${tag === bindingTag ? ' system' : ''}`} data-tag={tag}>
            {tag}
            {tag === bindingTag && <span className="sr-only"> ({t('inbox.bindingTag')})</span>}
            {editable && tag !== bindingTag && (
              <button type="button" disabled={busy} aria-label={`${t('inbox.removeTag')} ${tag}`} onClick={() => save(tags.filter((x) => x !== tag))}>
                ×
              </button>
            )}
          </li>
        ))}
      </ul>
      {editable && (
        <form className="tag-add" onSubmit={add}>
          <label className="sr-only" htmlFor={`tag-${customer.id}`}>
            {t('inbox.newTag')}
          </label>
          <input id={`tag-${customer.id}`} value={draft} maxLength={50} placeholder={t('inbox.newTag')} onChange={(e) => setDraft(e.target.value)} />
          <button type="submit" disabled={busy || !draft.trim()}>
            {t('inbox.addTag')}
          </button>
        </form>
      )}
    </section>
  );
}
