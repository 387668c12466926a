import { type FormEvent, useState } from 'react';
import { api, ok } from '../api/client';
import { type Lang, useI18n } from '../i18n';
import { LangSwitch } from './LangSwitch';

export function Login({ onLoggedIn, setLang }: { onLoggedIn: (token: string) => void; setLang: (l: Lang) => void }) {
  const { t } = useI18n();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const res = await ok(api.POST('/api/v1/auth/login', { body: { email, password } }));
      onLoggedIn(res.accessToken);
    } catch {
      setError(t('loginFailed'));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className="login">
      <form onSubmit={submit} aria-labelledby="login-title">
        <h1 id="login-title">{t('appName')}</h1>
        <label>
          {t('email')}
          <input type="email" name="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
        </label>
        <label>
          {t('password')}
          <input type="password" name="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        </label>
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {t('login')}
        </button>
        <LangSwitch setLang={setLang} />
      </form>
    </main>
  );
}
