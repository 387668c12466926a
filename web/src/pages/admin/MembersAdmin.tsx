import { useI18n } from '../../i18n';
import type { PageProps } from '../page-props';

/** Members: create, invite, deactivate with handover (owned by the members/departure work). */
export function MembersAdmin({ me }: PageProps) {
  const { t } = useI18n();
  return (
    <section aria-label={t('admin.members')}>
      <h3>{t('admin.members')}</h3>
      <p>{me.unit.name}</p>
    </section>
  );
}
