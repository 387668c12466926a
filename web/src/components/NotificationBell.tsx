import { useState } from 'react';
import type { Notification } from '../api/client';
import { formatTime, useI18n } from '../i18n';

export function NotificationBell({ state, onRead }: { state: { items: Notification[]; unread: number }; onRead: (id: string) => void }) {
  const { t, lang, tz } = useI18n();
  const [open, setOpen] = useState(false);
  return (
    <div className="bell">
      <button type="button" aria-expanded={open} aria-label={`${t('notifications')} (${state.unread} ${t('unread')})`} onClick={() => setOpen(!open)}>
        <svg aria-hidden="true" width="16" height="16" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2">
          <path d="M6 8a6 6 0 0 1 12 0c0 7 3 9 3 9H3s3-2 3-9" />
          <path d="M10.3 21a1.94 1.94 0 0 0 3.4 0" />
        </svg>
        {state.unread > 0 && (
          <span className="badge" data-testid="unread">
            {state.unread}
          </span>
        )}
      </button>
      {open && (
        <ul className="bell-menu" aria-label={t('notifications')}>
          {!state.items.length && <li>{t('noNotifications')}</li>}
          {state.items.map((n) => (
            <li key={n.id} className={n.readAt ? 'read' : 'unread'}>
              <span>{n.type}</span> <time dateTime={n.createdAt}>{formatTime(n.createdAt, lang, tz)}</time>
              {!n.readAt && (
                <button type="button" onClick={() => onRead(n.id)}>
                  {t('markRead')}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
