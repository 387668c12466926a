import { useCallback, useEffect, useRef, useState } from 'react';
import { api, ApiError, type Me, ok, type Unit } from '../../api/client';
import { useI18n } from '../../i18n';

export const hasPermission = (me: Me, p: string) => (me.permissions as string[]).includes(p);

/**
 * Data a tab loads when it opens and again after a change: [the data (null until loaded),
 * reload, replace it (e.g. with what a save answered)]. A failed load goes to `onError`.
 */
export function useLoaded<T>(fetch: () => Promise<T>, onError: (e: unknown) => void): [T | null, () => Promise<void>, (value: T) => void] {
  const [data, setData] = useState<T | null>(null);
  // The latest fetch, without reloading on every render that passes a new closure.
  const fetchRef = useRef(fetch);
  fetchRef.current = fetch;
  const reload = useCallback(async () => {
    try {
      setData(await fetchRef.current());
    } catch (e) {
      onError(e);
    }
  }, [onError]);
  useEffect(() => {
    void reload();
  }, [reload]);
  return [data, reload, setData];
}

/** The org's units, loaded once per tab and reloaded after a change. */
export function useUnits(onError: (e: unknown) => void): [Unit[] | null, () => Promise<void>] {
  const [units, reload] = useLoaded(async () => (await ok(api.GET('/api/v1/units'))).items, onError);
  return [units, reload];
}

/** Units in tree order (each parent before its children, siblings by name), for indented lists. */
export function treeOrder(units: Unit[]): Unit[] {
  const children = new Map<string | null, Unit[]>();
  for (const u of units) children.set(u.parentId, [...(children.get(u.parentId) ?? []), u]);
  const out: Unit[] = [];
  const walk = (parent: string | null) => {
    for (const u of (children.get(parent) ?? []).sort((a, b) => a.name.localeCompare(b.name))) {
      out.push(u);
      walk(u.id);
    }
  };
  walk(null);
  return out;
}

/** `unitId` and every unit below it. */
export function subtreeOf(units: Unit[], unitId: string): Set<string> {
  const ids = new Set([unitId]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const u of units) {
      if (u.parentId && ids.has(u.parentId) && !ids.has(u.id)) {
        ids.add(u.id);
        grew = true;
      }
    }
  }
  return ids;
}

/** A unit's name indented by its level, for <option>s (non-breaking spaces survive in selects). */
export const indented = (u: Unit) => `${'\u00a0\u00a0'.repeat(Math.max(0, u.depth - 1))}${u.name}`;

/**
 * What a failed call shows next to its form: the server's own words for a refusal (403/404/409/
 * 422), since those name the rule; a 401 still logs out through the shell's handler.
 */
export function useFormError(onError: (e: unknown) => void): [string | null, (e: unknown) => void, () => void] {
  const [message, setMessage] = useState<string | null>(null);
  const fail = useCallback(
    (e: unknown) => {
      if (e instanceof ApiError && e.status !== 401) setMessage(`${e.status}: ${e.message}`);
      else onError(e);
    },
    [onError],
  );
  return [message, fail, useCallback(() => setMessage(null), [])];
}

export function FormError({ id, message }: { id: string; message: string | null }) {
  const { t } = useI18n();
  // A live region beside the form rather than a dialog: the form stays as typed, ready to fix.
  return (
    <p id={id} className="admin-error" role="alert" hidden={!message}>
      {message ? `${t('admin.error')} — ${message}` : ''}
    </p>
  );
}

export function Saved({ show, text }: { show: boolean; text?: string }) {
  const { t } = useI18n();
  return (
    <span className="admin-saved" role="status">
      {show ? (text ?? t('admin.saved')) : ''}
    </span>
  );
}

/** Copies `text`; falls back to selecting it where the clipboard API is unavailable (plain http). */
export function CopyButton({ text, label }: { text: string; label: string }) {
  const { t } = useI18n();
  const [done, setDone] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setDone(true);
    } catch {
      const area = document.createElement('textarea');
      area.value = text;
      document.body.append(area);
      area.select();
      setDone(document.execCommand('copy'));
      area.remove();
    }
  };
  return (
    <button type="button" onClick={() => void copy()} aria-label={`${t('admin.copy')} ${label}`}>
      {done ? t('admin.copied') : t('admin.copy')}
    </button>
  );
}
