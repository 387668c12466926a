import { readFileSync } from 'fs';

/**
 * `ts-node bench/tools/profile-summary.ts <file.cpuprofile> [top] [last seconds]`: self time by
 * function and by package from a V8 CPU profile (`node --cpu-prof`), optionally only over the
 * profile's last seconds (the load, not the set-up before it).
 */
interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
const [file, topArg, lastArg] = process.argv.slice(2);
const prof = JSON.parse(readFileSync(file, 'utf8')) as { nodes: Node[]; samples: number[]; timeDeltas: number[]; endTime: number; startTime: number };
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const self = new Map<number, number>();
const from = lastArg ? prof.endTime - Number(lastArg) * 1e6 : -Infinity;
let at = prof.startTime;
prof.samples.forEach((id, i) => {
  at += prof.timeDeltas[i] ?? 0;
  if (at >= from) self.set(id, (self.get(id) ?? 0) + (prof.timeDeltas[i] ?? 0));
});
const total = [...self.values()].reduce((a, b) => a + b, 0);

const pkg = (url: string) => {
  if (!url) return '(native/idle)';
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1];
  if (url.startsWith('node:')) return url;
  const d = /dist\/src\/(modules\/[^/]+|infra\/[^/]+)/.exec(url);
  return d ? `app:${d[1]}` : url;
};
const fn = new Map<string, number>();
const pk = new Map<string, number>();
for (const [id, us] of self) {
  const n = byId.get(id)!;
  const f = `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.replace(/.*node_modules\//, '').replace(/.*dist\//, '')}:${n.callFrame.lineNumber + 1}`;
  fn.set(f, (fn.get(f) ?? 0) + us);
  const p = pkg(n.callFrame.url);
  pk.set(p, (pk.get(p) ?? 0) + us);
}
const top = Number(topArg ?? 25);
const pct = (us: number) => ((100 * us) / total).toFixed(1).padStart(5) + '%';
console.log(`total ${(total / 1e6).toFixed(1)} s sampled\n\nby package:`);
for (const [k, v] of [...pk].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(v)}  ${k}`);
console.log('\nby function (self):');
for (const [k, v] of [...fn].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(v)}  ${k}`);
