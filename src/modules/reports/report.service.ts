import { Injectable, NotFoundException } from '@nestjs/common';
import type { Viewer } from '../access/viewer';
import { mergeTextInto, percentile } from './histogram';
import { ReportFiguresDto, ReportItemDto, ReportQueryDto, ReportSummaryDto } from './report.dto';
import { ReportQuery, RollupRanges, RollupRow } from './report.query';
import { Grain, NO_MEMBER } from './report.repository';
import { daysOf, NONE, splitMonths, splitRange } from './report-range';

interface Acc {
  conversations: number;
  reopened: number;
  messagesIn: number;
  messagesOut: number;
  transfers: number;
  transferTimeouts: number;
  completed: number;
  fr: number[];
  res: number[];
}

/** `localeCompare`'s order, without building the comparison anew for each of a thousand members' pairs. */
const collator = new Intl.Collator();

const MEMBER_GRAINS = { day: Grain.MemberDay, month: Grain.MemberMonth, year: Grain.MemberYear };
const UNIT_GRAINS = { day: Grain.UnitDay, month: Grain.UnitMonth, year: Grain.UnitYear };

const emptyAcc = (): Acc => ({ conversations: 0, reopened: 0, messagesIn: 0, messagesOut: 0, transfers: 0, transferTimeouts: 0, completed: 0, fr: [], res: [] });

function addRow(a: Acc, r: RollupRow): void {
  a.conversations += r.conversations;
  a.reopened += r.reopened;
  a.messagesIn += r.messages_in;
  a.messagesOut += r.messages_out;
  a.transfers += r.transfers;
  a.transferTimeouts += r.transfer_timeouts;
  a.completed += r.completed;
  mergeTextInto(a.fr, r.first_response);
  mergeTextInto(a.res, r.resolution);
}

function figures(a: Acc): ReportFiguresDto {
  return {
    conversations: a.conversations,
    reopened: a.reopened,
    messagesIn: a.messagesIn,
    messagesOut: a.messagesOut,
    firstResponseSeconds: { p50: percentile(a.fr, 0.5), p90: percentile(a.fr, 0.9) },
    resolutionSeconds: { p50: percentile(a.res, 0.5), p90: percentile(a.res, 0.9) },
    transfers: a.transfers,
    transferTimeouts: a.transferTimeouts,
    completed: a.completed,
  };
}

/**
 * `GET /reports/summary`: merges rollups, never reads messages. The scope is the viewer's
 * own unit and the units below it (or the subtree of `unitId`, which must lie inside it).
 */
@Injectable()
export class ReportService {
  constructor(private readonly query: ReportQuery) {}

  async summary(viewer: Viewer, q: ReportQueryDto): Promise<ReportSummaryDto> {
    const groupBy = q.groupBy ?? 'unit';
    const { headDays, months, tailDays } = splitRange(q.from, q.to);
    const ranges: RollupRanges = { headDays, ...splitMonths(months), tailDays };
    const own = await this.query.unitsUnder(viewer.orgId, viewer.unitPath);
    const top = q.unitId ? own.find((u) => u.id === q.unitId) : own.find((u) => u.id === viewer.unitId);
    if (!top) throw new NotFoundException('Unit not found');
    const units = own.filter((u) => u.path.startsWith(top.path));
    const unitIds = units.map((u) => u.id);
    const [timezone, rows] = await Promise.all([
      this.query.timezone(viewer.orgId),
      groupBy === 'member'
        ? this.query.rollups(viewer.orgId, MEMBER_GRAINS, unitIds, ranges)
        : groupBy === 'unit'
          ? this.query.rollups(viewer.orgId, UNIT_GRAINS, unitIds, ranges)
          : this.query.rollups(viewer.orgId, UNIT_GRAINS, unitIds, { headDays: [q.from, q.to], headMonths: NONE, years: NONE, tailMonths: NONE, tailDays: NONE }),
    ]);

    const totals = emptyAcc();
    const groups = new Map<string, Acc>();
    const keyOf = (r: RollupRow) => (groupBy === 'member' ? r.member_id : groupBy === 'unit' ? r.unit_id : r.period);
    for (const r of rows) {
      addRow(totals, r);
      const k = keyOf(r);
      let a = groups.get(k);
      if (!a) groups.set(k, (a = emptyAcc()));
      addRow(a, r);
    }

    let items: ReportItemDto[];
    if (groupBy === 'unit') {
      items = units.map((u) => ({ key: u.id, label: u.name, ...figures(groups.get(u.id) ?? emptyAcc()) }));
    } else if (groupBy === 'day') {
      items = daysOf(q.from, q.to).map((d) => ({ key: d, label: d, ...figures(groups.get(d) ?? emptyAcc()) }));
    } else {
      const names = await this.query.memberNames(viewer.orgId, [...groups.keys()].filter((k) => k !== NO_MEMBER));
      items = [...groups].map(([k, a]) => ({ key: k === NO_MEMBER ? null : k, label: k === NO_MEMBER ? '(no member)' : (names.get(k) ?? k), ...figures(a) }));
      items.sort((a, b) => (a.key === null ? 1 : b.key === null ? -1 : collator.compare(a.label, b.label) || collator.compare(a.key, b.key)));
    }
    return { from: q.from, to: q.to, groupBy, unitId: top.id, timezone, items, totals: figures(totals) };
  }
}
