import { useEffect, useMemo, useState } from 'react';
import { api, ApiError, ok, type Schemas, type Unit } from '../api/client';
import { useI18n } from '../i18n';
import type { PageProps } from './page-props';
import { BarChart, ColumnChart } from './reports/Charts';
import { ReportTable, Totals } from './reports/ReportFigures';
import { addDays, downloadCsv, formatDuration, type GroupBy, type ReportQuery, subtree, todayIn } from './reports/report-utils';

type Summary = Schemas['ReportSummaryDto'];
const GROUPS: GroupBy[] = ['unit', 'member', 'day'];

/** Figures of the member's part of the tree over a range of local days: totals, two charts and a table; CSV for exporters. */
export function ReportsPage({ me, onError }: PageProps) {
  const { t, lang, tz } = useI18n();
  const today = todayIn(tz);
  const [from, setFrom] = useState(addDays(today, -6));
  const [to, setTo] = useState(today);
  const [groupBy, setGroupBy] = useState<GroupBy>('unit');
  const [unitId, setUnitId] = useState('');
  const [units, setUnits] = useState<Unit[]>([]);
  const [report, setReport] = useState<Summary | null>(null);
  const [days, setDays] = useState<Summary | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [exporting, setExporting] = useState(false);
  const canExport = (me.permissions as string[]).includes('report.export');

  useEffect(() => {
    ok(api.GET('/api/v1/units'))
      .then((r) => setUnits(subtree(r.items, me.unit.id)))
      .catch(onError);
  }, [me.unit.id, onError]);

  const query: ReportQuery = useMemo(() => ({ from, to, groupBy, unitId: unitId || undefined }), [from, to, groupBy, unitId]);
  const invalid = !from || !to ? t('reports.needDates') : to < from ? t('reports.badRange') : null;

  useEffect(() => {
    if (invalid) return;
    let live = true;
    setLoading(true);
    const get = (g: GroupBy) => ok(api.GET('/api/v1/reports/summary', { params: { query: { ...query, groupBy: g } } }));
    Promise.all([get(query.groupBy), query.groupBy === 'day' ? null : get('day')])
      .then(([r, d]) => {
        if (!live) return;
        setReport(r);
        setDays(d ?? r);
        setProblem(null);
      })
      .catch((e) => {
        if (!live) return;
        setReport(null);
        setDays(null);
        if (e instanceof ApiError && e.status === 404) setProblem(t('reports.outOfScope'));
        else if (e instanceof ApiError && e.status === 400) setProblem(e.message);
        else onError(e);
      })
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [query, invalid, onError, t]);

  const exportCsv = () => {
    setExporting(true);
    downloadCsv(query)
      .catch((e) => (e instanceof ApiError && e.status !== 401 ? setProblem(e.message) : onError(e)))
      .finally(() => setExporting(false));
  };

  const groupWord = t(`reports.by.${groupBy}`);
  const label = (i: { key: string | null; label: string }) => (i.key === null ? t('reports.noMember') : i.label);
  const count = (v: number) => v.toLocaleString();
  const duration = (v: number) => formatDuration(v, lang);

  return (
    <main className="page reports-page" aria-label={t('nav.reports')}>
      <h2>{t('nav.reports')}</h2>
      <form className="report-filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          {t('reports.from')}
          <input type="date" value={from} max={to || undefined} onChange={(e) => setFrom(e.target.value)} data-testid="report-from" required />
        </label>
        <label>
          {t('reports.to')}
          <input type="date" value={to} min={from || undefined} onChange={(e) => setTo(e.target.value)} data-testid="report-to" required />
        </label>
        <label>
          {t('reports.groupBy')}
          <select value={groupBy} onChange={(e) => setGroupBy(e.target.value as GroupBy)}>
            {GROUPS.map((g) => (
              <option key={g} value={g}>
                {t(`reports.by.${g}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('reports.unit')}
          <select value={unitId} onChange={(e) => setUnitId(e.target.value)}>
            <option value="">
              {me.unit.name} ({t('reports.wholeScope')})
            </option>
            {units
              .filter((u) => u.id !== me.unit.id)
              .map((u) => (
                <option key={u.id} value={u.id}>
                  {'\u00a0'.repeat(Math.max(0, u.depth - me.unit.depth) * 2)}
                  {u.name}
                </option>
              ))}
          </select>
        </label>
        {canExport && (
          <button type="button" onClick={exportCsv} disabled={!!invalid || exporting} data-testid="report-csv">
            {t('reports.csv')}
          </button>
        )}
      </form>
      <p className="report-status" role="status" aria-live="polite">
        {invalid ?? problem ?? (loading ? t('reports.loading') : report ? `${t('reports.timezone')}: ${report.timezone}` : '')}
      </p>
      {report && !invalid && !problem && (
        <>
          <Totals totals={report.totals} />
          <div className="report-charts">
            {report.groupBy === 'day' ? (
              <ColumnChart
                title={`${t('reports.chartVolume')} (${groupWord})`}
                data={report.items.map((i) => ({ key: i.key ?? '', label: i.label, value: i.conversations }))}
                format={count}
                none="–"
                testId="chart-volume"
              />
            ) : (
              <BarChart
                title={`${t('reports.chartVolume')} (${groupWord})`}
                data={report.items.map((i) => ({ key: i.key ?? 'none', label: label(i), value: i.conversations }))}
                format={count}
                none="–"
                testId="chart-volume"
              />
            )}
            {days && (
              <ColumnChart
                title={t('reports.chartFirstResponse')}
                data={days.items.map((i) => ({ key: i.key ?? '', label: i.label, value: i.firstResponseSeconds.p50 }))}
                format={duration}
                none={t('reports.noSamples')}
                testId="chart-first-response"
              />
            )}
          </div>
          <ReportTable items={report.items} totals={report.totals} groupLabel={groupWord} caption={`${t('nav.reports')} ${report.from} – ${report.to} (${groupWord})`} />
        </>
      )}
    </main>
  );
}
