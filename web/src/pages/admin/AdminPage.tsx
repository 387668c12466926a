import { useI18n } from '../../i18n';
import type { PageProps } from '../page-props';

export function AdminPage({ me }: PageProps) {
  const { t } = useI18n();
  return (
    <main className="page" aria-label={t('nav.admin')}>
      <h2>{t('nav.admin')}</h2>
      <p>{me.unit.name}</p>
    </main>
  );
}
