import type { Schemas } from '../../api/client';
import { useI18n } from '../../i18n';
import { formatDuration } from './report-utils';

export type Figures = Schemas['ReportFiguresDto'];
export type ReportItem = Schemas['ReportItemDto'];

const COUNTS = ['conversations', 'reopened', 'messagesIn', 'messagesOut', 'transfers', 'transferTimeouts', 'completed'] as const;
const DURATIONS = ['firstResponseSeconds', 'resolutionSeconds'] as const;

function Duration({ seconds }: { seconds: number | null }) {
  const { lang } = useI18n();
  return <span data-seconds={seconds ?? ''}>{formatDuration(seconds, lang)}</span>;
}

/** The totals of the whole scope, as labelled tiles. */
export function Totals({ totals }: { totals: Figures }) {
  const { t } = useI18n();
  return (
    <dl className="report-totals" data-testid="report-totals">
      {COUNTS.map((k) => (
        <div key={k} data-testid={`total-${k}`}>
          <dt>{t(`reports.${k}`)}</dt>
          <dd data-value={totals[k]}>{totals[k].toLocaleString()}</dd>
        </div>
      ))}
      {DURATIONS.map((k) => (
        <div key={k} className="duration" data-testid={`total-${k}`}>
          <dt>{t(`reports.${k}`)}</dt>
          <dd>
            <abbr title="p50">{t('reports.p50')}</abbr> <Duration seconds={totals[k].p50} />
            <br />
            <abbr title="p90">{t('reports.p90')}</abbr> <Duration seconds={totals[k].p90} />
          </dd>
        </div>
      ))}
    </dl>
  );
}

/** Every group's figures; scrolls sideways on a phone (focusable, so the keyboard can scroll it too). */
export function ReportTable({ items, totals, groupLabel, caption }: { items: ReportItem[]; totals: Figures; groupLabel: string; caption: string }) {
  const { t } = useI18n();
  const row = (f: Figures) => (
    <>
      {COUNTS.slice(0, 4).map((k) => (
        <td key={k}>{f[k]}</td>
      ))}
      {DURATIONS.flatMap((k) => [
        <td key={`${k}50`}>
          <Duration seconds={f[k].p50} />
        </td>,
        <td key={`${k}90`}>
          <Duration seconds={f[k].p90} />
        </td>,
      ])}
      {COUNTS.slice(4).map((k) => (
        <td key={k}>{f[k]}</td>
      ))}
    </>
  );
  return (
    <div className="table-wrap" tabIndex={0} role="region" aria-label={caption}>
      <table className="report-table" data-testid="report-table">
        <caption className="sr-only">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{groupLabel}</th>
            {COUNTS.slice(0, 4).map((k) => (
              <th key={k} scope="col">
                {t(`reports.${k}`)}
              </th>
            ))}
            {DURATIONS.flatMap((k) => [
              <th key={`${k}50`} scope="col">
                {t(`reports.${k}`)} {t('reports.p50')}
              </th>,
              <th key={`${k}90`} scope="col">
                {t(`reports.${k}`)} {t('reports.p90')}
              </th>,
            ])}
            {COUNTS.slice(4).map((k) => (
              <th key={k} scope="col">
                {t(`reports.${k}`)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {items.map((i) => (
            <tr key={i.key ?? 'none'} data-key={i.key ?? ''}>
              <th scope="row">{i.key === null ? t('reports.noMember') : i.label}</th>
              {row(i)}
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">{t('reports.total')}</th>
            {row(totals)}
          </tr>
        </tfoot>
      </table>
    </div>
  );
}
