import type { ReportFiguresDto, ReportItemDto } from './report.dto';

export const CSV_HEADER = [
  'key',
  'label',
  'conversations',
  'reopened',
  'messagesIn',
  'messagesOut',
  'firstResponseP50Seconds',
  'firstResponseP90Seconds',
  'resolutionP50Seconds',
  'resolutionP90Seconds',
  'transfers',
  'transferTimeouts',
  'completed',
];

/** One CSV field: quoted when needed; text that a spreadsheet would run as a formula is defused. */
export function csvField(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function line(key: string | null, label: string, f: ReportFiguresDto): string {
  return (
    [key, label, f.conversations, f.reopened, f.messagesIn, f.messagesOut, f.firstResponseSeconds.p50, f.firstResponseSeconds.p90, f.resolutionSeconds.p50, f.resolutionSeconds.p90, f.transfers, f.transferTimeouts, f.completed]
      .map(csvField)
      .join(',') + '\r\n'
  );
}

/** The report as CSV lines, one at a time (a UTF-8 BOM first, so spreadsheets read 中文 names right); the totals last. */
export function* csvLines(items: readonly ReportItemDto[], totals: ReportFiguresDto): Generator<string> {
  yield '\ufeff' + CSV_HEADER.join(',') + '\r\n';
  for (const i of items) yield line(i.key, i.label, i);
  yield line('total', 'Total', totals);
}
