import type { FolderTiming } from './folders';
import type { IngestStep } from './ingest';
import type { MemoryPoint } from './memory';
import { renderReportTimings, ReportTiming } from './reports';
import { searchSection } from './search';
import { round } from './stats';

/** One ingest scenario (a pattern of conversations), our server and the baseline in the same run. */
export interface IngestScenario {
  /** `spread` (every conversation of the org) or `hot` (a few, so messages to one conversation arrive together). */
  name: string;
  conversations: number;
  /** Sockets owed a message, on average over the scenario's conversations. */
  avgSocketsPerMessage: number;
  ours?: IngestStep[];
  baseline?: IngestStep[];
}

export interface BenchReport {
  runId: string;
  startedAt: string;
  finishedAt?: string;
  machine: Record<string, string>;
  config: Record<string, unknown>;
  org?: { members: number; conversations: number; sockets: number; avgSocketsPerMessage: number };
  ingestScenarios?: IngestScenario[];
  /** The spread scenario's steps, as before the hot scenario existed (same as ingestScenarios' `spread`). */
  ingest?: IngestStep[];
  baseline?: IngestStep[];
  memory?: MemoryPoint[];
  baselineMemory?: MemoryPoint[];
  folders?: FolderTiming[];
  foldersConversations?: number;
  /** BENCH_SCENARIOS=reports (docs/reports.md). */
  reports?: ReportTiming[];
  /** BENCH_SCENARIOS=routing: new conversations with routing off and on (bench/lib/routing.ts). */
  routing?: import('./routing').RoutingRun[];
  /** BENCH_SCENARIOS=search (bench/lib/search.ts, docs/search.md). */
  search?: import('./search').SearchTiming[];
  summary?: Record<string, unknown>;
}

/** Absolute goals (product targets) and goals relative to the baseline measured in the same run. */
const TARGETS = { sustainedPerSecond: 1000, p99At300Ms: 50, folderP99Ms: 15, perSocketKiB: 20, sustainedVsBaseline: 0.5, p99At100VsBaseline: 2 };
const fmt = (v: number | null | undefined) => (v === null || v === undefined ? '–' : String(v));
const ratioOf = (a: number | null | undefined, b: number | null | undefined) => (a != null && b ? round(a / b, 2) : null);
const ratio = (a: number | null | undefined, b: number | null | undefined) => fmt(ratioOf(a, b)) + (ratioOf(a, b) === null ? '' : '×');
const check = (ok: boolean | null) => (ok === null ? '–' : ok ? 'met' : '**missed**');
const pair = (a: unknown, b: unknown) => `${fmt(a as number)} / ${fmt(b as number)}`;

/** Highest achieved rate among sustained steps (see IngestStep.sustained and docs/benchmarks.md). */
export function sustained(steps: IngestStep[] | undefined): number | null {
  const ok = (steps ?? []).filter((s) => s.sustained);
  return ok.length ? Math.max(...ok.map((s) => s.achievedPerSecond)) : null;
}

/** True when the ladder's top step was sustained: the server's ceiling lies above the ladder, its sustained figure is a lower bound. */
function topSustained(steps: IngestStep[] | undefined, rates: number[]): boolean {
  const top = steps?.find((s) => s.offeredPerSecond === Math.max(...rates));
  return !!top?.sustained;
}

interface ScenarioSummary {
  name: string;
  /** Sustained the top of the ladder (a lower bound): ours, baseline. */
  oursAtTop: boolean;
  baselineAtTop: boolean;
  conversations: number;
  avgSocketsPerMessage: number;
  sustainedPerSecond: number | null;
  baselineSustainedPerSecond: number | null;
  sustainedRatio: number | null;
  p99At100Ms: number | null;
  baselineP99At100Ms: number | null;
  p99At100Ratio: number | null;
  p99At300Ms: number | null;
  leaked: number;
  missed: number;
  targets: { sustainedVsBaseline: boolean | null; p99At100VsBaseline: boolean | null; sustained: boolean | null; p99At300: boolean | null };
}

function summarizeScenario(sc: IngestScenario, rates: number[]): ScenarioSummary {
  const at = (steps: IngestStep[] | undefined, rate: number) => steps?.find((s) => s.offeredPerSecond === rate)?.deliveryMs.p99 ?? null;
  const ours = sustained(sc.ours);
  const base = sustained(sc.baseline);
  const p100 = at(sc.ours, 100);
  const b100 = at(sc.baseline, 100);
  const p300 = at(sc.ours, 300);
  const sustainedRatio = sc.ours && sc.baseline ? ratioOf(ours ?? 0, base) : null;
  const p99At100Ratio = ratioOf(p100, b100);
  return {
    name: sc.name,
    oursAtTop: topSustained(sc.ours, rates),
    baselineAtTop: topSustained(sc.baseline, rates),
    conversations: sc.conversations,
    avgSocketsPerMessage: sc.avgSocketsPerMessage,
    sustainedPerSecond: ours,
    baselineSustainedPerSecond: base,
    sustainedRatio,
    p99At100Ms: p100,
    baselineP99At100Ms: b100,
    p99At100Ratio,
    p99At300Ms: p300,
    leaked: (sc.ours ?? []).reduce((s, x) => s + x.leaked, 0),
    missed: (sc.ours ?? []).reduce((s, x) => s + x.missed, 0),
    targets: {
      sustainedVsBaseline: sustainedRatio === null ? null : sustainedRatio >= TARGETS.sustainedVsBaseline,
      p99At100VsBaseline: p99At100Ratio === null ? null : p99At100Ratio <= TARGETS.p99At100VsBaseline,
      sustained: sc.ours ? (ours ?? 0) >= TARGETS.sustainedPerSecond : null,
      p99At300: p300 === null ? null : p300 <= TARGETS.p99At300Ms,
    },
  };
}

function summarize(r: BenchReport) {
  const scenarios = (r.ingestScenarios ?? []).map((sc) => summarizeScenario(sc, (r.config.rates as number[]) ?? []));
  const folderWorst = r.folders?.filter((f) => f.page !== 'counts').reduce((m, f) => Math.max(m, f.ms.p99 ?? 0), 0) ?? null;
  const per1000 = r.memory?.find((m) => m.sockets === 1000)?.perSocketKiB ?? null;
  const ran = scenarios.some((s) => s.targets.sustained !== null);
  const leaked = scenarios.reduce((s, x) => s + x.leaked, 0);
  const missed = scenarios.reduce((s, x) => s + x.missed, 0);
  const spread = scenarios.find((s) => s.name === 'spread');
  return {
    // Kept as before the hot scenario (they describe the spread scenario).
    sustainedPerSecond: spread?.sustainedPerSecond ?? null,
    baselineSustainedPerSecond: spread?.baselineSustainedPerSecond ?? null,
    p99At300Ms: spread?.p99At300Ms ?? null,
    scenarios,
    worstFolderPageP99Ms: folderWorst,
    perIdleSocketKiB: per1000,
    leaked,
    missed,
    targets: {
      folderPages: folderWorst !== null ? folderWorst <= TARGETS.folderP99Ms : null,
      perSocket: per1000 !== null ? per1000 <= TARGETS.perSocketKiB : null,
      noLeakNoMiss: ran ? leaked === 0 && missed === 0 : null,
    },
  };
}

/** The per-scenario verdict line: sustained throughput and p99 at 100 msg/s against the baseline. */
function verdictLine(s: ScenarioSummary): string {
  const top = [s.oursAtTop && 'ours', s.baselineAtTop && 'the baseline'].filter(Boolean);
  return (
    `**${s.name}** (${s.conversations} conversations, ${s.avgSocketsPerMessage} sockets per message): ` +
    `sustained ours ${fmt(s.sustainedPerSecond)}/s vs baseline ${fmt(s.baselineSustainedPerSecond)}/s = ${fmt(s.sustainedRatio)}${s.sustainedRatio === null ? '' : '×'} ` +
    `(target ≥ ${TARGETS.sustainedVsBaseline}×) ${check(s.targets.sustainedVsBaseline)}; ` +
    `p99 at 100 msg/s ours ${fmt(s.p99At100Ms)} ms vs baseline ${fmt(s.baselineP99At100Ms)} ms = ${fmt(s.p99At100Ratio)}${s.p99At100Ratio === null ? '' : '×'} ` +
    `(target ≤ ${TARGETS.p99At100VsBaseline}×) ${check(s.targets.p99At100VsBaseline)}.` +
    (top.length ? ` Note: ${top.join(' and ')} sustained the top of the ladder, so that figure is a lower bound (add higher rates to find the ceiling).` : '')
  );
}

function scenarioTable(sc: IngestScenario, lines: string[]): void {
  lines.push('| offered/s | achieved/s ours / base | ratio | p50 ms ours / base | ratio | p95 ms ours / base | p99 ms ours / base | ratio | ours ack p99 ms | deliveries ours / base | missed ours / base | leaked ours / base | errors ours / base | shed ours / base | same-conv. in flight ours / base |');
  lines.push('|---:|---|---:|---|---:|---|---|---:|---:|---|---|---|---|---|---|');
  const steps = [...(sc.ours ?? []), ...(sc.baseline ?? [])];
  const offered = [...new Set(steps.map((x) => x.offeredPerSecond))].sort((a, b) => a - b);
  const mark = (x: IngestStep | undefined) => (x ? `${x.achievedPerSecond}${x.sustained ? '' : ' ✗'}` : '–');
  for (const rate of offered) {
    const o = sc.ours?.find((x) => x.offeredPerSecond === rate);
    const b = sc.baseline?.find((x) => x.offeredPerSecond === rate);
    const errs = (x: IngestStep | undefined) =>
      x ? `${x.errors}${x.errors && x.errorsBy ? ` (${Object.entries(x.errorsBy).map(([k, v]) => `${k}: ${v}`).join(', ')})` : ''}` : '–';
    const share = (x: IngestStep | undefined) => (x ? `${round((100 * x.sameConversationInFlight) / Math.max(1, x.posted), 1)}%` : '–');
    lines.push(
      `| ${rate} | ${mark(o)} / ${mark(b)} | ${ratio(o?.achievedPerSecond, b?.achievedPerSecond)} | ${pair(o?.deliveryMs.p50, b?.deliveryMs.p50)} | ${ratio(o?.deliveryMs.p50, b?.deliveryMs.p50)} | ` +
        `${pair(o?.deliveryMs.p95, b?.deliveryMs.p95)} | ${pair(o?.deliveryMs.p99, b?.deliveryMs.p99)} | ${ratio(o?.deliveryMs.p99, b?.deliveryMs.p99)} | ${fmt(o?.ackMs.p99)} | ` +
        `${pair(o?.deliveries, b?.deliveries)} | ${pair(o?.missed, b?.missed)} | ${pair(o?.leaked, b?.leaked)} | ${errs(o)} / ${errs(b)} | ${pair(o?.shed, b?.shed)} | ${share(o)} / ${share(b)} |`,
    );
  }
}

export function renderMarkdown(r: BenchReport): string {
  const s = (r.summary = summarize(r));
  const bound = r.config.sustainedP99Ms;
  const lines: string[] = [];
  lines.push(`# Benchmark ${r.startedAt}`, '');
  lines.push(`Machine: ${r.machine.cpu}; Node ${r.machine.node}, PostgreSQL ${r.machine.postgres}, Redis ${r.machine.redis}${r.machine.loadAtStart ? `; load average at start ${r.machine.loadAtStart} (1 / 5 / 15 min)` : ''}.`);
  if (r.org) lines.push(`Ingest org: ${r.org.members} members in 3 levels, ${r.org.conversations} conversations, ${r.org.sockets} sockets; each message is owed to ${r.org.avgSocketsPerMessage} sockets on average over all conversations (2 events each); ${r.config.eventsPerWebhook ?? 1} message event(s) per webhook.`);
  if (r.ingestScenarios?.length) {
    lines.push(`Ladder: ${(r.config.rates as number[]).join(', ')} msg/s, ${r.config.stepSeconds} s per step, after an unreported 5-s warm-up.`);
  }
  lines.push('', '## Targets', '', '| target | goal | measured | |', '|---|---|---|---|');
  for (const sc of s.scenarios) {
    lines.push(`| ${sc.name}: sustained msg/s vs the baseline's, same run | ≥ ${TARGETS.sustainedVsBaseline}× | ${fmt(sc.sustainedPerSecond)} vs ${fmt(sc.baselineSustainedPerSecond)} (${fmt(sc.sustainedRatio)}×) | ${check(sc.targets.sustainedVsBaseline)} |`);
    lines.push(`| ${sc.name}: p99 webhook → socket at 100 msg/s vs the baseline's | ≤ ${TARGETS.p99At100VsBaseline}× | ${fmt(sc.p99At100Ms)} vs ${fmt(sc.baselineP99At100Ms)} ms (${fmt(sc.p99At100Ratio)}×) | ${check(sc.targets.p99At100VsBaseline)} |`);
    lines.push(`| ${sc.name}: sustained inbound msg/s (end to end) | ≥ ${TARGETS.sustainedPerSecond} | ${fmt(sc.sustainedPerSecond)} (baseline ${fmt(sc.baselineSustainedPerSecond)}) | ${check(sc.targets.sustained)} |`);
    lines.push(`| ${sc.name}: p99 webhook → socket at 300 msg/s | ≤ ${TARGETS.p99At300Ms} ms | ${fmt(sc.p99At300Ms)} ms | ${check(sc.targets.p99At300)} |`);
  }
  lines.push(`| folder page p99 at the API (worst folder/page) | ≤ ${TARGETS.folderP99Ms} ms | ${fmt(s.worstFolderPageP99Ms)} ms | ${check(s.targets.folderPages)} |`);
  lines.push(`| memory per idle socket (1,000 sockets) | ≤ ${TARGETS.perSocketKiB} KiB | ${fmt(s.perIdleSocketKiB)} KiB | ${check(s.targets.perSocket)} |`);
  lines.push(`| leaked / missed deliveries (all ingest steps) | 0 / 0 | ${s.leaked} / ${s.missed} | ${check(s.targets.noLeakNoMiss)} |`);

  if (r.ingestScenarios?.length) {
    lines.push('', '## Ingest vs the baseline', '');
    lines.push(
      `**Sustained** throughput = the highest achieved rate among the steps where every webhook was answered 200, none was shed, no delivery was missed, ` +
        `the achieved rate was ≥ 95% of the offered rate and the delivery p99 was ≤ ${fmt(bound as number)} ms (\`BENCH_SUSTAINED_P99_MS\`: beyond it the step is queueing, not keeping up). ` +
        `p99 at 100 msg/s is the 100/s step's (not the warm-up's). A missing side counts as 0 for sustained (a ratio needs the baseline).`,
      '',
    );
    for (const sc of s.scenarios) lines.push(`- ${verdictLine(sc)}`);
    for (const sc of r.ingestScenarios) {
      const what = sc.name === 'hot' ? `messages to only ${sc.conversations} conversations, so several to one conversation arrive together` : `messages spread over all ${sc.conversations} conversations`;
      lines.push('', `### Ingest, ${sc.name}: ${what}`, '');
      lines.push(
        `Signed LINE webhooks at rising rates, each message from a customer picked uniformly among the scenario's conversations (the same sequence for both servers); ${sc.avgSocketsPerMessage} sockets owed per message on average. ` +
          'Latency is from just before the POST to receipt of `message.created` on each socket owed it; ratios are ours ÷ baseline; ✗ marks a step that was not sustained; ' +
          '"same-conv. in flight" is the share of messages posted while an earlier one to the same conversation was still unanswered.',
        '',
      );
      scenarioTable(sc, lines);
    }
  }

  if (r.memory) {
    lines.push('', '## Memory: idle sockets', '', '| sockets | ours RSS MiB | ours KiB/socket | base RSS MiB | base KiB/socket | ratio |', '|---:|---:|---:|---:|---:|---:|');
    for (const m of r.memory) {
      const b = r.baselineMemory?.find((x) => x.sockets === m.sockets);
      lines.push(`| ${m.sockets} | ${m.rssMiB} | ${fmt(m.perSocketKiB)} | ${fmt(b?.rssMiB)} | ${fmt(b?.perSocketKiB)} | ${ratio(m.perSocketKiB, b?.perSocketKiB)} |`);
    }
  }

  if (r.folders) {
    lines.push('', `## Folders at the API (${(r.foldersConversations ?? 0).toLocaleString('en')} conversations, page of 50, ${r.config.folderSamples} samples each)`, '');
    lines.push('| viewer | folder | first page p50 / p99 ms | deep page | deep p50 / p99 ms |', '|---|---|---|---:|---|');
    const keys = [...new Set(r.folders.map((f) => `${f.viewer}\u0000${f.folder}`))];
    for (const k of keys) {
      const [viewer, folder] = k.split('\u0000');
      const rows = r.folders.filter((f) => f.viewer === viewer && f.folder === folder);
      const first = rows.find((f) => f.page !== 'deep')!;
      const deep = rows.find((f) => f.page === 'deep');
      const flag = (ms: Record<string, number | null>) => ((ms.p99 ?? 0) > TARGETS.folderP99Ms ? ' ✗' : '');
      lines.push(`| ${viewer} | ${folder} | ${first.ms.p50} / ${first.ms.p99}${flag(first.ms)} | ${deep ? `page ${deep.depth}` : '–'} | ${deep ? `${deep.ms.p50} / ${deep.ms.p99}${flag(deep.ms)}` : '–'} |`);
    }
  }
  lines.push(...renderReportTimings(r.reports));
  if (r.routing?.length) {
    lines.push('', '## Routing: new conversations, routing off vs on', '', '| routing | ok / sent | per second | ack p50 / p99 ms | routed |', '|---|---|---|---|---|');
    for (const x of r.routing) lines.push(`| ${x.routing} | ${x.ok} / ${x.webhooks} | ${x.perSecond} | ${x.ackMs.p50} / ${x.ackMs.p99} | ${x.routed} |`);
  }
  if (r.search) lines.push(...searchSection(r.search, r.foldersConversations));
  return lines.join('\n') + '\n';
}
