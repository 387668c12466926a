import { useMemo, useState } from 'react';
import { tokenStore } from './api/client';
import { Console } from './components/Console';
import { Login } from './components/Login';
import { I18n, initialLang, type Lang, LANG_KEY, translator } from './i18n';

/** Session and language; the console proper lives in components/Console.tsx. */
export function App() {
  const [lang, setLangState] = useState<Lang>(initialLang);
  const [token, setToken] = useState<string | null>(tokenStore.get());
  const [tz, setTz] = useState('Asia/Taipei');
  const setLang = (l: Lang) => {
    localStorage.setItem(LANG_KEY, l);
    document.documentElement.lang = l === 'en' ? 'en' : 'zh-Hant';
    setLangState(l);
  };
  const ctx = useMemo(() => ({ t: translator(lang), lang, tz }), [lang, tz]);
  const logout = () => {
    tokenStore.clear();
    setToken(null);
  };
  return (
    <I18n.Provider value={ctx}>
      {token ? (
        <Console key={token} token={token} onLogout={logout} setLang={setLang} setTz={setTz} />
      ) : (
        <Login
          setLang={setLang}
          onLoggedIn={(tk) => {
            tokenStore.set(tk);
            setToken(tk);
          }}
        />
      )}
    </I18n.Provider>
  );
}
