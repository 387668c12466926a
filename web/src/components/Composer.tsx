import { type FormEvent, useState } from 'react';
import { api, type Message, ok } from '../api/client';
import { useI18n } from '../i18n';

/** Reply to the customer or add an internal note, as the member's permissions allow. */
export function Composer({ id, permissions, onSent, onError }: { id: string; permissions: string[]; onSent: (m: Message) => void; onError: (e: unknown) => void }) {
  const { t } = useI18n();
  const modes = (['reply', 'note'] as const).filter((m) => permissions.includes(m === 'reply' ? 'conversation.reply' : 'conversation.note'));
  const [mode, setMode] = useState<'reply' | 'note'>(modes[0] ?? 'reply');
  const [text, setText] = useState('');
  if (!modes.length) return null;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const body = text.trim();
    if (!body) return;
    try {
      const path = { params: { path: { id } } };
      const m = mode === 'reply' ? await ok(api.POST('/api/v1/conversations/{id}/messages', { ...path, body: { text: body } })) : await ok(api.POST('/api/v1/conversations/{id}/notes', { ...path, body: { text: body } }));
      onSent(m as Message);
      setText('');
    } catch (err) {
      onError(err);
    }
  };
  return (
    <form className={`composer ${mode}`} onSubmit={submit}>
      <div role="tablist" aria-label={t('reply')}>
        {modes.map((m) => (
          <button key={m} type="button" role="tab" aria-selected={mode === m} onClick={() => setMode(m)}>
            {t(m)}
          </button>
        ))}
      </div>
      <label className="sr-only" htmlFor="composer-text">
        {mode === 'reply' ? t('replyPlaceholder') : t('notePlaceholder')}
      </label>
      <textarea id="composer-text" rows={2} value={text} placeholder={mode === 'reply' ? t('replyPlaceholder') : t('notePlaceholder')} onChange={(e) => setText(e.target.value)} />
      <button type="submit">{mode === 'reply' ? t('send') : t('addNote')}</button>
    </form>
  );
}
