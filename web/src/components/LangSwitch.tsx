import { type Lang, useI18n } from '../i18n';

export function LangSwitch({ setLang }: { setLang: (l: Lang) => void }) {
  const { t, lang } = useI18n();
  return (
    <label className="lang">
      <span className="sr-only">{t('language')}</span>
      <select aria-label={t('language')} value={lang} onChange={(e) => setLang(e.target.value as Lang)}>
        <option value="zh-TW">繁體中文</option>
        <option value="en">English</option>
      </select>
    </label>
  );
}
