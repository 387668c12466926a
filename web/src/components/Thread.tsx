import { useCallback, useEffect, useState } from 'react';
import { api, ApiError, type ConversationDetail, type Me, type Member, type Message, ok } from '../api/client';
import { formatTime, useI18n } from '../i18n';
import { Actions } from './Actions';
import { Attachment } from './Attachment';
import { Composer } from './Composer';
import { CustomerPanel } from './CustomerPanel';

interface Props {
  id: string | null;
  me: Me | null;
  members: Member[];
  /** Bumped when the conversation changed (socket) or must be refetched (resync). */
  version: number;
  liveMessage: Message | null;
  onBack: () => void;
  onChanged: () => void;
  onError: (e: unknown) => void;
}

/** One conversation: its messages (private ones redacted), actions, composer and customer panel. */
export function Thread({ id, me, members, version, liveMessage, onBack, onChanged, onError }: Props) {
  const { t, lang, tz } = useI18n();
  const [detail, setDetail] = useState<ConversationDetail | null>(null);
  const [messages, setMessages] = useState<Message[]>([]);
  const [gone, setGone] = useState(false);

  const load = useCallback(async () => {
    if (!id) return;
    try {
      const [d, page] = await Promise.all([
        ok(api.GET('/api/v1/conversations/{id}', { params: { path: { id } } })),
        ok(api.GET('/api/v1/conversations/{id}/messages', { params: { path: { id }, query: { limit: 50 } } })),
      ]);
      setDetail(d);
      setMessages([...page.items].reverse());
      setGone(false);
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) {
        // No longer readable (conversation.removed, lost permissions): what was shown goes too.
        setGone(true);
        setDetail(null);
        setMessages([]);
      } else onError(e);
    }
  }, [id, onError]);

  useEffect(() => {
    load();
  }, [load, version]);

  useEffect(() => {
    if (!liveMessage || liveMessage.conversationId !== id) return;
    setMessages((prev) => (prev.some((m) => m.id === liveMessage.id) ? prev.map((m) => (m.id === liveMessage.id ? liveMessage : m)) : [...prev, liveMessage]));
  }, [liveMessage, id]);

  if (!id) return <section className="thread placeholder">{t('selectConversation')}</section>;
  const can = (p: string) => (me?.permissions as string[] | undefined)?.includes(p) ?? false;
  // Read only: visible through previously_handled alone, or no way to write here at all.
  const readOnly = detail ? detail.readOnly || (!can('conversation.reply') && !can('conversation.note')) : false;
  const name = (memberId?: string) => members.find((m) => m.id === memberId)?.displayName ?? '';
  return (
    <section className="thread" aria-label={detail?.customer.displayName ?? t('conversations')}>
      <div className="thread-head">
        <button type="button" className="back" onClick={onBack} aria-label={t('back')}>
          ←
        </button>
        <h2>{detail?.customer.displayName}</h2>
        {detail && (
          <span className="meta" data-testid="thread-status">
            {t(`status.${detail.status}`)} · {t('assignee')}: {detail.assigneeId ? name(detail.assigneeId) : t('unassigned')}
            {detail.readOnly ? ` · ${t('readOnly')}` : ''}
          </span>
        )}
      </div>
      {gone && (
        <p role="status" className="gone">
          {t('gone')}
        </p>
      )}
      {detail && !gone && readOnly && (
        <p role="status" className="read-only-banner" data-testid="read-only">
          <strong>{t('readOnly')}</strong> {detail.readOnly ? t('inbox.readOnlyHandled') : t('inbox.readOnlyNoPermission')}
        </p>
      )}
      {detail && me && !gone && <Actions detail={detail} me={me} onDone={() => (load(), onChanged())} onError={onError} />}
      <div className="thread-body">
        <ol className="messages" aria-live="polite">
          {messages.map((m) => (
            <li key={m.id} className={`msg ${m.direction} ${m.kind}`} data-message={m.id}>
              <div className="bubble">
                {m.kind === 'note' && <span className="tag">{t('noteLabel')}</span>}
                {m.redacted ? <em className="redacted">{t('private')}</em> : <span className="text">{m.text}</span>}
                {!m.redacted && m.attachments.length > 0 && (
                  <div className="attachments">
                    {m.attachments.map((a) => (
                      <Attachment key={a.id} a={a} />
                    ))}
                  </div>
                )}
              </div>
              <div className="msg-meta">
                {m.sender.type === 'member' && m.sender.memberId ? `${name(m.sender.memberId)} · ` : ''}
                <time dateTime={m.createdAt}>{formatTime(m.createdAt, lang, tz)}</time>
                {m.status && (
                  <span className={`delivery ${m.status}`} data-testid="delivery" title={m.error ?? undefined}>
                    {' '}
                    · {t(`delivery.${m.status}`)}
                    {m.status === 'failed' && m.error ? ` (${m.error})` : ''}
                  </span>
                )}
              </div>
            </li>
          ))}
        </ol>
        {detail && me && <CustomerPanel customer={detail.customer} me={me} members={members} readOnly={detail.readOnly} onError={onError} />}
      </div>
      {detail && me && !gone && !readOnly && <Composer id={id} meId={me.member.id} permissions={me.permissions} members={members} onSent={(m) => setMessages((prev) => (prev.some((x) => x.id === m.id) ? prev : [...prev, m]))} onError={onError} />}
    </section>
  );
}
