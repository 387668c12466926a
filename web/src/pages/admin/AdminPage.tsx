import { type KeyboardEvent, useRef, useState } from 'react';
import { useI18n } from '../../i18n';
import type { PageProps } from '../page-props';
import { hasPermission } from './admin-shared';
import { AuditAdmin } from './AuditAdmin';
import { BindingLinksAdmin } from './BindingLinksAdmin';
import { CannedAdmin } from './CannedAdmin';
import { ChannelsAdmin } from './ChannelsAdmin';
import { MembersAdmin } from './MembersAdmin';
import { OrgSettingsAdmin } from './OrgSettingsAdmin';
import { RolesAdmin } from './RolesAdmin';
import { UnitsAdmin } from './UnitsAdmin';

type Tab = 'units' | 'roles' | 'members' | 'channels' | 'canned' | 'binding' | 'audit' | 'org';

/** Each tab with the permission its server routes require, so a tab never opens onto 403s. */
const TABS: { tab: Tab; permission: string }[] = [
  { tab: 'units', permission: 'org.manage' },
  { tab: 'roles', permission: 'org.manage' },
  { tab: 'members', permission: 'org.manage' },
  { tab: 'channels', permission: 'org.manage' },
  { tab: 'canned', permission: 'canned.manage' },
  { tab: 'binding', permission: 'binding.link' },
  { tab: 'audit', permission: 'audit.view' },
  { tab: 'org', permission: 'org.manage' },
];

/** The admin view: one tab per area, arrow keys move between tabs (WAI-ARIA tabs, automatic activation). */
export function AdminPage(props: PageProps) {
  const { t } = useI18n();
  const tabs = TABS.filter((x) => hasPermission(props.me, x.permission)).map((x) => x.tab);
  const [chosen, setChosen] = useState<Tab | null>(null);
  const current = chosen && tabs.includes(chosen) ? chosen : (tabs[0] ?? null);
  const refs = useRef<Partial<Record<Tab, HTMLButtonElement | null>>>({});

  const onKey = (e: KeyboardEvent) => {
    if (!current) return;
    const i = tabs.indexOf(current);
    const next = { ArrowRight: tabs[(i + 1) % tabs.length], ArrowLeft: tabs[(i - 1 + tabs.length) % tabs.length], Home: tabs[0], End: tabs[tabs.length - 1] }[e.key];
    if (!next) return;
    e.preventDefault();
    setChosen(next);
    refs.current[next]?.focus();
  };

  return (
    <main className="page admin" aria-label={t('nav.admin')}>
      <h2>{t('nav.admin')}</h2>
      <div className="admin-tabs" role="tablist" aria-label={t('admin.sections')} onKeyDown={onKey}>
        {tabs.map((tab) => (
          <button
            key={tab}
            ref={(el) => {
              refs.current[tab] = el;
            }}
            type="button"
            role="tab"
            id={`admin-tab-${tab}`}
            aria-selected={tab === current}
            aria-controls={`admin-panel-${tab}`}
            tabIndex={tab === current ? 0 : -1}
            onClick={() => setChosen(tab)}
          >
            {t(`admin.tab.${tab}`)}
          </button>
        ))}
      </div>
      {current && (
        <div className="admin-panel" role="tabpanel" id={`admin-panel-${current}`} aria-labelledby={`admin-tab-${current}`}>
          {current === 'units' && <UnitsAdmin {...props} />}
          {current === 'roles' && <RolesAdmin {...props} />}
          {current === 'members' && <MembersAdmin {...props} />}
          {current === 'channels' && <ChannelsAdmin {...props} />}
          {current === 'canned' && <CannedAdmin {...props} />}
          {current === 'binding' && <BindingLinksAdmin {...props} />}
          {current === 'audit' && <AuditAdmin {...props} />}
          {current === 'org' && <OrgSettingsAdmin {...props} />}
        </div>
      )}
    </main>
  );
}
