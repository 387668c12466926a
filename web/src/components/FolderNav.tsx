import type { FolderCount, FolderName } from '../api/client';
import { useI18n } from '../i18n';

export function FolderNav({ folders, counts, current, onOpen }: { folders: FolderName[]; counts: Record<string, FolderCount>; current: FolderName | null; onOpen: (f: FolderName) => void }) {
  const { t } = useI18n();
  return (
    <nav className="folders" aria-label={t('folders')}>
      <ul>
        {folders.map((f) => {
          const c = counts[f];
          return (
            <li key={f}>
              <button type="button" data-folder={f} aria-current={f === current ? 'page' : undefined} className={f === current ? 'active' : ''} onClick={() => onOpen(f)}>
                <span className="name">{t(`folder.${f}`)}</span>
                <span className="count" data-testid={`count-${f}`} aria-label={`${c?.count ?? 0}`}>
                  {c ? `${c.count}${c.capped ? '+' : ''}` : ''}
                </span>
              </button>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
