import { useI18n } from '../i18n';

export interface Suggestion {
  id: string;
  label: string;
  detail?: string;
}

interface Props {
  id: string;
  label: string;
  items: Suggestion[];
  active: number;
  onPick: (s: Suggestion) => void;
}

/**
 * The completion list under the composer (members for `@`, canned responses for `/`). The
 * textarea keeps the focus and drives it with ↑/↓/Enter/Escape (aria-activedescendant).
 */
export function Suggestions({ id, label, items, active, onPick }: Props) {
  const { t } = useI18n();
  return (
    <ul id={id} className="suggestions" role="listbox" aria-label={label}>
      {!items.length && <li className="none">{t('inbox.noMatches')}</li>}
      {items.map((s, i) => (
        <li
          key={s.id}
          id={`${id}-${s.id}`}
          role="option"
          aria-selected={i === active}
          className={i === active ? 'active' : ''}
          // mousedown, not click: the textarea must not lose the caret before the pick.
          onMouseDown={(e) => {
            e.preventDefault();
            onPick(s);
          }}
        >
          <span className="label">{s.label}</span>
          {s.detail && <span className="detail">{s.detail}</span>}
        </li>
      ))}
    </ul>
  );
}
