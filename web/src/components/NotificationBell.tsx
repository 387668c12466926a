import { useEffect, useRef, useState } from 'react';
import type { Member, Notification } from '../api/client';
import { formatTime, useI18n } from '../i18n';

interface Props {
  state: { items: Notification[]; unread: number };
  members?: Member[];
  onRead: (id: string) => void;
  /** Opens the conversation a notification is about. */
  onOpen?: (conversationId: string) => void;
}

const str = (v: unknown) => (typeof v === 'string' && v ? v : null);

/** The notification bell: unread count (kept live by the console), the latest, each opening what it is about. */
export function NotificationBell({ state, members = [], onRead, onOpen }: Props) {
  const { t, lang, tz } = useI18n();
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);

  // Closes on Escape and on a click elsewhere, as a menu does.
  useEffect(() => {
    if (!open) return;
    const away = (e: MouseEvent) => root.current && !root.current.contains(e.target as Node) && setOpen(false);
    const esc = (e: KeyboardEvent) => e.key === 'Escape' && setOpen(false);
    document.addEventListener('mousedown', away);
    document.addEventListener('keydown', esc);
    return () => {
      document.removeEventListener('mousedown', away);
      document.removeEventListener('keydown', esc);
    };
  }, [open]);

  const describe = (n: Notification) => {
    const p = n.payload as Record<string, unknown>;
    const who = members.find((m) => m.id === (p.fromMemberId ?? p.byMemberId ?? p.actorId))?.displayName;
    const title = t(`inbox.notification.${n.type}`) === `inbox.notification.${n.type}` ? n.type : t(`inbox.notification.${n.type}`);
    const text = p.redacted ? t('private') : str(p.text);
    return { title: who ? `${who} · ${title}` : title, text };
  };

  const activate = (n: Notification) => {
    if (!n.readAt) onRead(n.id);
    const conversationId = str((n.payload as Record<string, unknown>).conversationId);
    if (conversationId && onOpen) {
      onOpen(conversationId);
      setOpen(false);
    }
  };

  return (
    <div className="bell" ref={root}>
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
          {state.items.map((n) => {
            const d = describe(n);
            return (
              <li key={n.id} className={n.readAt ? 'read' : 'unread'} data-notification={n.id}>
                <button type="button" className="open-notification" onClick={() => activate(n)}>
                  <span className="title">{d.title}</span>
                  {d.text && <span className="text">{d.text}</span>}
                  <time dateTime={n.createdAt}>{formatTime(n.createdAt, lang, tz)}</time>
                </button>
                {!n.readAt && (
                  <button type="button" className="mark-read" onClick={() => onRead(n.id)}>
                    {t('markRead')}
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
