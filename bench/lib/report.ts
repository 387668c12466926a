import type { FolderTiming } from './folders';
import type { IngestStep } from './ingest';
import type { MemoryPoint } from './memory';
import { round } from './stats';

export interface BenchReport {
  runId: string;
  startedAt: string;
  finishedAt?: string;
  machine: Record<string, string>;
  config: Record<string, unknown>;
  org?: { members: number; conversations: number; sockets: number; avgSocketsPerMessage: number };
  ingest?: IngestStep[];
  baseline?: IngestStep[];
  memory?: MemoryPoint[];
  baselineMemory?: MemoryPoint[];
  folders?: FolderTiming[];
  foldersConversations?: number;
  summary?: Record<string, unknown>;
}

const TARGETS = { sustainedPerSecond: 1000, p99At300Ms: 50, folderP99Ms: 15, perSocketKiB: 20 };
const fmt = (v: number | null | undefined) => (v === null || v === undefined ? '–' : String(v));
const ratio = (a: number | null | undefined, b: number | null | undefined) => (a && b ? `${round(a / b, 2)}×` : '–');
const check = (ok: boolean | null) => (ok === null ? '–' : ok ? 'met' : '**missed**');

export function sustained(steps: IngestStep[] | undefined): number | null {
  const ok = (steps ?? []).filter((s) => s.sustained);
  return ok.length ? Math.max(...ok.map((s) => s.achievedPerSecond)) : null;
}

function summarize(r: BenchReport): Record<string, unknown> {
  const at300 = r.ingest?.find((s) => s.offeredPerSecond === 300);
  const folderWorst = r.folders?.filter((f) => f.page !== 'counts').reduce((m, f) => Math.max(m, f.ms.p99 ?? 0), 0) ?? null;
  const per1000 = r.memory?.find((m) => m.sockets === 1000)?.perSocketKiB ?? null;
  const leaked = (r.ingest ?? []).reduce((s, x) => s + x.leaked, 0);
  const missed = (r.ingest ?? []).reduce((s, x) => s + x.missed, 0);
  return {
    sustainedPerSecond: sustained(r.ingest),
    baselineSustainedPerSecond: sustained(r.baseline),
    p99At300Ms: at300?.deliveryMs.p99 ?? null,
    worstFolderPageP99Ms: folderWorst,
    perIdleSocketKiB: per1000,
    leaked,
    missed,
    targets: {
      sustained: r.ingest ? (sustained(r.ingest) ?? 0) >= TARGETS.sustainedPerSecond : null,
      p99At300: at300?.deliveryMs.p99 != null ? at300.deliveryMs.p99 <= TARGETS.p99At300Ms : null,
      folderPages: folderWorst !== null ? folderWorst <= TARGETS.folderP99Ms : null,
      perSocket: per1000 !== null ? per1000 <= TARGETS.perSocketKiB : null,
      noLeakNoMiss: r.ingest ? leaked === 0 && missed === 0 : null,
    },
  };
}

export function renderMarkdown(r: BenchReport): string {
  const s = (r.summary = summarize(r)) as ReturnType<typeof summarize> & { targets: Record<string, boolean | null> };
  const lines: string[] = [];
  lines.push(`# Benchmark ${r.startedAt}`, '');
  lines.push(`Machine: ${r.machine.cpu}; Node ${r.machine.node}, PostgreSQL ${r.machine.postgres}, Redis ${r.machine.redis}.`);
  if (r.org) lines.push(`Ingest org: ${r.org.members} members in 3 levels, ${r.org.conversations} conversations, ${r.org.sockets} sockets; each message is owed to ${r.org.avgSocketsPerMessage} sockets on average (2 events each); ${r.config.eventsPerWebhook ?? 1} message event(s) per webhook.`);
  lines.push('', '## Targets', '', '| target | goal | measured | |', '|---|---|---|---|');
  lines.push(`| sustained inbound messages/s (end to end) | ≥ ${TARGETS.sustainedPerSecond} | ${fmt(s.sustainedPerSecond as number)} (baseline ${fmt(s.baselineSustainedPerSecond as number)}) | ${check(s.targets.sustained)} |`);
  lines.push(`| p99 webhook → socket at 300 msg/s | ≤ ${TARGETS.p99At300Ms} ms | ${fmt(s.p99At300Ms as number)} ms | ${check(s.targets.p99At300)} |`);
  lines.push(`| folder page p99 at the API (worst folder/page) | ≤ ${TARGETS.folderP99Ms} ms | ${fmt(s.worstFolderPageP99Ms as number)} ms | ${check(s.targets.folderPages)} |`);
  lines.push(`| memory per idle socket (1,000 sockets) | ≤ ${TARGETS.perSocketKiB} KiB | ${fmt(s.perIdleSocketKiB as number)} KiB | ${check(s.targets.perSocket)} |`);
  lines.push(`| leaked / missed deliveries | 0 / 0 | ${s.leaked} / ${s.missed} | ${check(s.targets.noLeakNoMiss)} |`);

  if (r.ingest) {
    lines.push('', '## Ingest: signed LINE webhooks at rising rates', '');
    lines.push('Latency is from just before the POST to receipt of `message.created` on each socket owed it; ratios are ours ÷ baseline.', '');
    lines.push('| offered/s | ours achieved/s | base achieved/s | ours p50 / p95 / p99 ms | base p50 / p95 / p99 ms | p99 ratio | ours ack p99 ms | deliveries | missed | leaked | shed (ours/base) |');
    lines.push('|---:|---:|---:|---|---|---:|---:|---:|---:|---:|---|');
    const offered = [...new Set([...r.ingest, ...(r.baseline ?? [])].map((x) => x.offeredPerSecond))].sort((a, b) => a - b);
    for (const rate of offered) {
      const o = r.ingest.find((x) => x.offeredPerSecond === rate);
      const b = r.baseline?.find((x) => x.offeredPerSecond === rate);
      if (!o) {
        lines.push(`| ${rate} | – | ${b!.achievedPerSecond}${b!.sustained ? '' : ' ✗'} | – | ${b!.deliveryMs.p50} / ${b!.deliveryMs.p95} / ${b!.deliveryMs.p99} | – | – | ${b!.deliveries} | ${b!.missed} | ${b!.leaked} | – / ${b!.shed} |`);
        continue;
      }
      lines.push(
        `| ${o.offeredPerSecond} | ${o.achievedPerSecond}${o.sustained ? '' : ' ✗'} | ${b ? `${b.achievedPerSecond}${b.sustained ? '' : ' ✗'}` : '–'} | ${o.deliveryMs.p50} / ${o.deliveryMs.p95} / ${o.deliveryMs.p99} | ` +
          `${b ? `${b.deliveryMs.p50} / ${b.deliveryMs.p95} / ${b.deliveryMs.p99}` : '–'} | ${ratio(o.deliveryMs.p99, b?.deliveryMs.p99)} | ${o.ackMs.p99} | ${o.deliveries} | ${o.missed} | ${o.leaked} | ${o.shed} / ${b?.shed ?? '–'} |`,
      );
    }
    lines.push('', `Sustained (highest step with every webhook answered 200, none shed, none missed, ≥ 95% of the offered rate): ours ${fmt(s.sustainedPerSecond as number)}/s, baseline ${fmt(s.baselineSustainedPerSecond as number)}/s (${ratio(s.sustainedPerSecond as number, s.baselineSustainedPerSecond as number)}). ✗ marks a step that was not sustained.`);
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
  return lines.join('\n') + '\n';
}
