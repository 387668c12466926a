import { type FormEvent, useState } from 'react';
import { api, ok, type Unit } from '../../api/client';
import { useI18n } from '../../i18n';
import { FormError, indented, Saved, useFormError } from './admin-shared';
import type { Canned } from './CannedAdmin';

/** The select's value for an org-wide response (the API's `unitId: null`). */
const ORG_WIDE = '';

/**
 * A new canned response, or `canned` edited (only the changed fields are sent). A shortcode
 * already used in the same unit is the server's 409, shown beside the form with the form kept
 * as typed.
 */
export function CannedForm({
  canned,
  units,
  orgWide,
  defaultUnitId,
  onSaved,
  onCancel,
  onError,
}: {
  canned: Canned | null;
  units: Unit[];
  orgWide: boolean;
  defaultUnitId: string;
  onSaved: () => Promise<void>;
  onCancel: () => void;
  onError: (e: unknown) => void;
}) {
  const { t } = useI18n();
  const [unitId, setUnitId] = useState(canned ? (canned.unitId ?? ORG_WIDE) : defaultUnitId);
  const [shortcode, setShortcode] = useState(canned?.shortcode ?? '');
  const [title, setTitle] = useState(canned?.title ?? '');
  const [text, setText] = useState(canned?.text ?? '');
  const [saved, setSaved] = useState(false);
  const [error, fail, clear] = useFormError(onError);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    clear();
    setSaved(false);
    const unit = unitId === ORG_WIDE ? null : unitId;
    try {
      if (!canned) {
        await ok(api.POST('/api/v1/canned-responses', { body: { unitId: unit, shortcode: shortcode.trim(), title: title.trim(), text } }));
        setShortcode('');
        setTitle('');
        setText('');
      } else {
        const body = {
          ...(unit !== canned.unitId ? { unitId: unit } : {}),
          ...(shortcode.trim() !== canned.shortcode ? { shortcode: shortcode.trim() } : {}),
          ...(title.trim() !== canned.title ? { title: title.trim() } : {}),
          ...(text !== canned.text ? { text } : {}),
        };
        if (Object.keys(body).length) await ok(api.PATCH('/api/v1/canned-responses/{id}', { params: { path: { id: canned.id } }, body }));
      }
      setSaved(true);
      await onSaved();
    } catch (err) {
      fail(err);
    }
  };

  return (
    <section className="admin-editor" aria-labelledby="canned-form-h">
      <h3 id="canned-form-h">{canned ? `${t('admin.canned.edit')} /${canned.shortcode}` : t('admin.canned.new')}</h3>
      <form className="admin-form" onSubmit={submit} aria-describedby="canned-error" data-testid="canned-form">
        <label>
          {t('admin.canned.unit')}
          <select value={unitId} onChange={(e) => setUnitId(e.target.value)}>
            {(orgWide || unitId === ORG_WIDE) && <option value={ORG_WIDE}>{t('admin.canned.orgWide')}</option>}
            {units.map((u) => (
              <option key={u.id} value={u.id}>
                {indented(u)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('admin.canned.shortcode')}
          <input value={shortcode} required maxLength={50} pattern="[^\s\/]+" title={t('admin.canned.shortcodeHint')} onChange={(e) => setShortcode(e.target.value)} />
        </label>
        <label>
          {t('admin.canned.title')}
          <input value={title} required maxLength={200} onChange={(e) => setTitle(e.target.value)} />
        </label>
        <label>
          {t('admin.canned.text')}
          <textarea value={text} required maxLength={5000} rows={4} onChange={(e) => setText(e.target.value)} />
        </label>
        <FormError id="canned-error" message={error} />
        <div className="admin-row">
          <button type="submit" className="primary">
            {canned ? t('admin.save') : t('admin.create')}
          </button>
          {canned && (
            <button type="button" onClick={onCancel}>
              {t('admin.ch.cancel')}
            </button>
          )}
          <Saved show={saved} />
        </div>
      </form>
    </section>
  );
}
