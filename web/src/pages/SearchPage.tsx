import { useI18n } from '../i18n';
import type { PageProps } from './page-props';

export function SearchPage({ me }: PageProps) {
  const { t } = useI18n();
  return (
    <main className="page" aria-label={t('nav.search')}>
      <h2>{t('nav.search')}</h2>
      <p>{me.unit.name}</p>
    </main>
  );
}
