import { useCallback, useEffect, useRef, useState } from 'react';
import {
  activeMembers,
  api,
  ApiError,
  type ConversationSummary,
  type ConversationUpserted,
  type FolderCount,
  type FolderName,
  type Me,
  type Member,
  type Message,
  type Notification,
  ok,
} from '../api/client';
import { type Lang, useI18n } from '../i18n';
import { connectLive } from '../live';
import { AdminPage } from '../pages/admin/AdminPage';
import type { PageProps } from '../pages/page-props';
import { ReportsPage } from '../pages/ReportsPage';
import { SearchPage } from '../pages/SearchPage';
import { ConversationList } from './ConversationList';
import { FolderNav } from './FolderNav';
import { LangSwitch } from './LangSwitch';
import { NotificationBell } from './NotificationBell';
import { PresenceToggle } from './PresenceToggle';
import { Thread } from './Thread';

const PAGE = 25;

/** The console's top-level views; each beside the inbox shows only with its permission. */
export type View = 'inbox' | 'search' | 'reports' | 'admin';
const ADMIN_PERMISSIONS = ['org.manage', 'binding.manage', 'audit.view', 'canned.manage'];
export function viewsFor(me: Me | null): View[] {
  if (!me) return ['inbox'];
  const has = (p: string) => (me.permissions as string[]).includes(p);
  return ['inbox', 'search', ...(has('report.view') ? (['reports'] as const) : []), ...(ADMIN_PERMISSIONS.some(has) ? (['admin'] as const) : [])];
}
const byActivity = (a: ConversationSummary, b: ConversationSummary) => b.lastActivityAt.localeCompare(a.lastActivityAt) || b.id.localeCompare(a.id);

export interface ConsoleProps {
  token: string;
  onLogout: () => void;
  setLang: (l: Lang) => void;
  setTz: (tz: string) => void;
}

/**
 * The logged-in console: folders with live counts, the open folder's conversations (keyset
 * "load more"), the open thread and the notification bell, kept current by the `/inbox` socket.
 */
export function Console({ token, onLogout, setLang, setTz }: ConsoleProps) {
  const { t } = useI18n();
  const [me, setMe] = useState<Me | null>(null);
  const [counts, setCounts] = useState<Record<string, FolderCount>>({});
  const [folder, setFolder] = useState<FolderName | null>(null);
  const [items, setItems] = useState<ConversationSummary[]>([]);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [members, setMembers] = useState<Member[]>([]);
  const [notifications, setNotifications] = useState<{ items: Notification[]; unread: number }>({ items: [], unread: 0 });
  const [liveMessage, setLiveMessage] = useState<Message | null>(null);
  const [threadVersion, setThreadVersion] = useState(0);
  const [connected, setConnected] = useState(false);
  const [view, setView] = useState<View>('inbox');
  const folderRef = useRef<FolderName | null>(null);
  const selectedRef = useRef<string | null>(null);
  folderRef.current = folder;
  selectedRef.current = selected;
  const itemsRef = useRef<ConversationSummary[]>([]);
  itemsRef.current = items;

  const guard = useCallback(
    (e: unknown) => {
      if (e instanceof ApiError && e.status === 401) onLogout();
      else console.error(e);
    },
    [onLogout],
  );

  const loadCounts = useCallback(async () => {
    const res = await ok(api.GET('/api/v1/folders'));
    setCounts(Object.fromEntries(res.items.map((c) => [c.folder, c])));
  }, []);

  const loadMe = useCallback(async () => {
    const m = await ok(api.GET('/api/v1/me'));
    setMe(m);
    setFolder((f) => (f && m.folders.includes(f) ? f : (m.folders[0] ?? null)));
    return m;
  }, []);

  const loadList = useCallback(async (f: FolderName, cursor?: string) => {
    const page = await ok(api.GET('/api/v1/folders/{folder}/conversations', { params: { path: { folder: f }, query: { limit: PAGE, cursor } } }));
    if (folderRef.current !== f) return;
    setItems((prev) => (cursor ? [...prev, ...page.items.filter((i) => !prev.some((p) => p.id === i.id))] : page.items));
    setNextCursor(page.nextCursor ?? null);
  }, []);

  const loadNotifications = useCallback(async () => {
    const page = await ok(api.GET('/api/v1/notifications', { params: { query: { limit: 20 } } }));
    setNotifications({ items: page.items, unread: page.unread });
  }, []);

  const loadMembers = useCallback(async () => setMembers(await activeMembers(1000)), []);

  // After a disconnect the server could not replay (`resync`): everything on screen is read again.
  const refetchAll = useCallback(() => {
    Promise.all([loadMe(), loadCounts(), loadNotifications(), loadMembers()])
      .then(() => (folderRef.current ? loadList(folderRef.current) : undefined))
      .then(() => setThreadVersion((v) => v + 1))
      .catch(guard);
  }, [loadMe, loadCounts, loadNotifications, loadMembers, loadList, guard]);

  const loadTimeZone = useCallback(() => ok(api.GET('/api/v1/org')).then((o) => setTz(o.settings.timezone)), [setTz]);

  // First load: me, org (time zone), counts, members, notifications.
  useEffect(() => {
    Promise.all([loadMe(), loadCounts(), loadNotifications(), loadMembers(), loadTimeZone()]).catch(guard);
  }, [loadMe, loadCounts, loadNotifications, loadMembers, loadTimeZone, guard]);

  // Leaving the admin view: members added or renamed and a new org time zone show at once in
  // the pickers, names and times, without a reload.
  const previousView = useRef(view);
  useEffect(() => {
    if (previousView.current === 'admin' && view !== 'admin') Promise.all([loadMembers(), loadTimeZone()]).catch(guard);
    previousView.current = view;
  }, [view, loadMembers, loadTimeZone, guard]);

  useEffect(() => {
    setItems([]);
    setNextCursor(null);
    if (folder) loadList(folder).catch(guard);
  }, [folder, loadList, guard]);

  // Counts follow conversation events, a few at a time.
  const countsTimer = useRef<number | undefined>(undefined);
  const scheduleCounts = useCallback(() => {
    window.clearTimeout(countsTimer.current);
    countsTimer.current = window.setTimeout(() => loadCounts().catch(guard), 250);
  }, [loadCounts, guard]);

  useEffect(() => {
    const socket = connectLive(token, {
      upserted: (c: ConversationUpserted) => {
        setItems((prev) => {
          const rest = prev.filter((i) => i.id !== c.id);
          return folderRef.current && c.folders.includes(folderRef.current) ? [...rest, c].sort(byActivity) : rest;
        });
        if (c.id === selectedRef.current) setThreadVersion((v) => v + 1);
        scheduleCounts();
      },
      removed: ({ conversationId }) => {
        setItems((prev) => prev.filter((i) => i.id !== conversationId));
        if (conversationId === selectedRef.current) setThreadVersion((v) => v + 1);
        scheduleCounts();
      },
      message: (m) => {
        if (m.conversationId === selectedRef.current) setLiveMessage(m);
      },
      // Menus, views and folders follow the new permissions at once: a lost view or folder
      // closes, the open list and thread are read again (they may have become unreadable).
      permissions: () => {
        loadMe()
          .then((m) => {
            setView((v) => (viewsFor(m).includes(v) ? v : 'inbox'));
            setThreadVersion((v) => v + 1);
            const f = folderRef.current;
            return Promise.all([loadCounts(), f && m.folders.includes(f) ? loadList(f) : undefined]);
          })
          .catch(guard);
      },
      notification: (n) => setNotifications((s) => ({ items: [n, ...s.items.filter((i) => i.id !== n.id)], unread: s.unread + 1 })),
      // The list shows the new name at once; the open thread's customer panel is read again.
      customer: (c) => {
        setItems((prev) => prev.map((i) => (i.customer.id === c.id ? { ...i, customer: { ...i.customer, displayName: c.displayName } } : i)));
        const open = itemsRef.current.find((i) => i.id === selectedRef.current);
        if (selectedRef.current && (!open || open.customer.id === c.id)) setThreadVersion((v) => v + 1);
      },
      presence: (p) => setMembers((prev) => prev.map((m) => (m.id === p.memberId ? { ...m, presence: p.presence } : m))),
      resync: refetchAll,
      unauthorized: onLogout,
      connected: setConnected,
    });
    return () => {
      socket.close();
    };
  }, [token, scheduleCounts, loadMe, loadCounts, refetchAll, onLogout, guard]);

  const markRead = (id: string) => {
    ok(api.POST('/api/v1/notifications/{id}/read', { params: { path: { id } } }))
      .then(() => setNotifications((s) => ({ items: s.items.map((n) => (n.id === id ? { ...n, readAt: new Date().toISOString() } : n)), unread: Math.max(0, s.unread - 1) })))
      .catch(guard);
  };

  const views = viewsFor(me);
  const current: View = views.includes(view) ? view : 'inbox';
  const pageProps: PageProps | null = me ? { me, members, openConversation: (id) => (setView('inbox'), setSelected(id)), onError: guard } : null;

  return (
    <div className={`console view-${current}${selected ? ' has-selection' : ''}`} data-connected={connected}>
      <header className="topbar">
        <h1>{t('appName')}</h1>
        <span className="who" data-testid="me">
          {me?.member.displayName}
          {me ? ` · ${me.unit.name}` : ''}
        </span>
        <nav className="views" aria-label={t('nav.views')}>
          {views.map((v) => (
            <button key={v} type="button" className={v === current ? 'active' : ''} aria-current={v === current ? 'page' : undefined} onClick={() => setView(v)} data-testid={`view-${v}`}>
              {t(`nav.${v}`)}
            </button>
          ))}
        </nav>
        <span className={`dot ${connected ? 'on' : 'off'}`} aria-hidden="true" />
        {me && <PresenceToggle memberId={me.member.id} onError={guard} />}
        <NotificationBell state={notifications} members={members} onRead={markRead} onOpen={(id) => (setView('inbox'), setSelected(id))} />
        <LangSwitch setLang={setLang} />
        <button type="button" onClick={onLogout}>
          {t('logout')}
        </button>
      </header>
      {current === 'search' && pageProps && <SearchPage {...pageProps} />}
      {current === 'reports' && pageProps && <ReportsPage {...pageProps} />}
      {current === 'admin' && pageProps && <AdminPage {...pageProps} />}
      {current === 'inbox' && (
        <>
      <FolderNav folders={me?.folders ?? []} counts={counts} current={folder} onOpen={(f) => (setSelected(null), setFolder(f))} />
      <ConversationList
        items={items}
        selected={selected}
        members={members}
        onSelect={setSelected}
        hasMore={nextCursor !== null}
        onMore={() => folder && nextCursor && loadList(folder, nextCursor).catch(guard)}
      />
      <Thread
        key={selected ?? 'none'}
        id={selected}
        me={me}
        members={members}
        version={threadVersion}
        liveMessage={liveMessage}
        onBack={() => setSelected(null)}
        onChanged={() => (folder ? loadList(folder) : Promise.resolve()).then(loadCounts).catch(guard)}
        onError={guard}
      />
        </>
      )}
    </div>
  );
}
