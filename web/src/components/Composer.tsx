import { type ChangeEvent, type FormEvent, type KeyboardEvent, useEffect, useRef, useState } from 'react';
import { api, type Member, type Message, ok, type Schemas } from '../api/client';
import { useI18n } from '../i18n';
import { type AttachmentData } from './Attachment';
import { complete, mentionIdsIn, type Trigger, triggerAt } from './composer-triggers';
import { errorText, isUnauthorized } from './errors';
import { type Suggestion, Suggestions } from './Suggestions';

type Canned = Schemas['CannedResponseView'];
const ACCEPT = 'image/*,video/mp4,audio/*,application/pdf';
const MAX_ATTACHMENTS = 4;

interface Props {
  id: string;
  meId: string;
  permissions: string[];
  members: Member[];
  onSent: (m: Message) => void;
  onError: (e: unknown) => void;
}

/**
 * Reply to the customer (with `/shortcode` canned responses and attachments) or add an internal
 * note (with `@name` mentions), as the member's permissions allow.
 */
export function Composer({ id, meId, permissions, members, onSent, onError }: Props) {
  const { t } = useI18n();
  const modes = (['reply', 'note'] as const).filter((m) => permissions.includes(m === 'reply' ? 'conversation.reply' : 'conversation.note'));
  const [mode, setMode] = useState<'reply' | 'note'>(modes[0] ?? 'reply');
  const [text, setText] = useState('');
  const [trigger, setTrigger] = useState<Trigger | null>(null);
  const [dismissed, setDismissed] = useState<number | null>(null);
  const [active, setActive] = useState(0);
  const [canned, setCanned] = useState<Canned[]>([]);
  const [mentions, setMentions] = useState<Map<string, string>>(new Map());
  const [files, setFiles] = useState<AttachmentData[]>([]);
  const [uploading, setUploading] = useState(false);
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const box = useRef<HTMLTextAreaElement>(null);
  const caretAfter = useRef<number | null>(null);

  const fail = (e: unknown) => (isUnauthorized(e) ? onError(e) : setError(errorText(e)));

  // Canned responses by shortcode prefix, asked of the server (it knows which ones this member is offered).
  const cannedQuery = trigger?.kind === '/' ? trigger.query : null;
  useEffect(() => {
    if (cannedQuery === null) return;
    let live = true;
    const timer = window.setTimeout(() => {
      ok(api.GET('/api/v1/canned-responses', { params: { query: { q: cannedQuery || undefined } } }))
        .then((r) => live && setCanned(r.items.slice(0, 8)))
        .catch((e) => live && fail(e));
    }, 120);
    return () => {
      live = false;
      window.clearTimeout(timer);
    };
  }, [cannedQuery]);

  // Put the caret after a completion once React has rendered the new text.
  useEffect(() => {
    if (caretAfter.current !== null && box.current) {
      box.current.setSelectionRange(caretAfter.current, caretAfter.current);
      caretAfter.current = null;
    }
  }, [text]);

  if (!modes.length) return null;

  const open = trigger !== null && trigger.start !== dismissed;
  const suggestions: Suggestion[] = !open
    ? []
    : trigger.kind === '@'
      ? members
          .filter((m) => m.id !== meId && m.status === 'active' && m.displayName.toLowerCase().includes(trigger.query.toLowerCase()))
          .slice(0, 8)
          .map((m) => ({ id: m.id, label: m.displayName, detail: m.email }))
      : canned.map((c) => ({ id: c.id, label: `/${c.shortcode}`, detail: c.title }));

  const track = (value: string, caret: number) => {
    const next = triggerAt(value, caret, mode === 'note' ? '@' : '/');
    setTrigger(next);
    if (next?.start !== trigger?.start || next?.kind !== trigger?.kind) setActive(0);
    if (next === null) setDismissed(null);
  };

  const pick = (s: Suggestion) => {
    if (!trigger || !box.current) return;
    const caret = box.current.selectionStart;
    let insert: string;
    if (trigger.kind === '@') {
      insert = `@${s.label} `;
      setMentions((prev) => new Map(prev).set(s.id, s.label));
    } else {
      insert = canned.find((c) => c.id === s.id)?.text ?? '';
    }
    const done = complete(text, caret, trigger, insert);
    caretAfter.current = done.caret;
    setText(done.text);
    setTrigger(null);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (!open) return;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      if (suggestions.length) setActive((a) => (a + (e.key === 'ArrowDown' ? 1 : suggestions.length - 1)) % suggestions.length);
    } else if (e.key === 'Enter' && !e.shiftKey && suggestions.length) {
      e.preventDefault();
      pick(suggestions[Math.min(active, suggestions.length - 1)]);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      setDismissed(trigger.start);
    }
  };

  const upload = async (e: ChangeEvent<HTMLInputElement>) => {
    const chosen = [...(e.target.files ?? [])].slice(0, MAX_ATTACHMENTS - files.length);
    e.target.value = '';
    setUploading(true);
    setError(null);
    try {
      for (const file of chosen) {
        const a = await ok(
          api.POST('/api/v1/attachments', {
            body: { file: file as unknown as string },
            bodySerializer: () => {
              const fd = new FormData();
              fd.append('file', file);
              return fd;
            },
          }),
        );
        setFiles((prev) => [...prev, a]);
      }
    } catch (err) {
      fail(err);
    } finally {
      setUploading(false);
    }
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const body = text.trim();
    const withFiles = mode === 'reply' && files.length > 0;
    if (!body && !withFiles) return;
    setSending(true);
    setError(null);
    try {
      const path = { params: { path: { id } } };
      const m =
        mode === 'reply'
          ? await ok(api.POST('/api/v1/conversations/{id}/messages', { ...path, body: { text: body || undefined, attachmentIds: withFiles ? files.map((f) => f.id) : undefined } }))
          : await ok(api.POST('/api/v1/conversations/{id}/notes', { ...path, body: { text: body, mentionIds: mentionIdsIn(body, mentions) } }));
      onSent(m as Message);
      setText('');
      setMentions(new Map());
      setFiles([]);
      setTrigger(null);
    } catch (err) {
      fail(err);
    } finally {
      setSending(false);
    }
  };

  const listId = `composer-suggest-${mode}`;
  const activeOption = open && suggestions.length ? `${listId}-${suggestions[Math.min(active, suggestions.length - 1)].id}` : undefined;
  const placeholder = mode === 'reply' ? t('inbox.replyHint') : t('inbox.noteHint');
  return (
    <form className={`composer ${mode}`} onSubmit={submit}>
      <div role="tablist" aria-label={t('reply')}>
        {modes.map((m) => (
          <button
            key={m}
            type="button"
            role="tab"
            aria-selected={mode === m}
            onClick={() => {
              setMode(m);
              setTrigger(null);
            }}
          >
            {t(m)}
          </button>
        ))}
      </div>
      {open && <Suggestions id={listId} label={trigger.kind === '@' ? t('inbox.mentionList') : t('inbox.cannedList')} items={suggestions} active={active} onPick={pick} />}
      <label className="sr-only" htmlFor="composer-text">
        {mode === 'reply' ? t('replyPlaceholder') : t('notePlaceholder')}
      </label>
      <textarea
        id="composer-text"
        ref={box}
        rows={2}
        value={text}
        placeholder={placeholder}
        role="combobox"
        aria-autocomplete="list"
        aria-expanded={open}
        aria-controls={open ? listId : undefined}
        aria-activedescendant={activeOption}
        onChange={(e) => {
          setText(e.target.value);
          track(e.target.value, e.target.selectionStart);
        }}
        onSelect={(e) => track(e.currentTarget.value, e.currentTarget.selectionStart)}
        onKeyDown={onKeyDown}
      />
      <div className="composer-tools">
        {mode === 'reply' && (
          <label className="attach">
            <span>{t('inbox.attach')}</span>
            <input type="file" accept={ACCEPT} multiple disabled={uploading || files.length >= MAX_ATTACHMENTS} onChange={upload} />
          </label>
        )}
        <button type="submit" disabled={sending || uploading}>
          {mode === 'reply' ? t('send') : t('addNote')}
        </button>
      </div>
      {mode === 'reply' && (files.length > 0 || uploading) && (
        <ul className="pending-files" aria-label={t('inbox.attachments')}>
          {files.map((f) => (
            <li key={f.id} className="chip">
              {f.fileName ?? f.type}
              <button type="button" aria-label={`${t('inbox.remove')} ${f.fileName ?? ''}`} onClick={() => setFiles((prev) => prev.filter((x) => x.id !== f.id))}>
                ×
              </button>
            </li>
          ))}
          {uploading && <li className="chip">{t('inbox.uploading')}</li>}
        </ul>
      )}
      {error && (
        <p role="alert" className="error composer-error">
          {error}
        </p>
      )}
    </form>
  );
}
