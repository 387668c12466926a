/** Nearest-rank percentiles over a sample (sorted copy; the input is left as it is). */
export function percentiles(sample: ArrayLike<number>, ps: readonly number[] = [50, 95, 99]): Record<string, number | null> {
  const sorted = Float64Array.from(sample as ArrayLike<number>).sort();
  const out: Record<string, number | null> = {};
  for (const p of ps) {
    out[`p${p}`] = sorted.length === 0 ? null : round(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]);
  }
  return out;
}

export function round(n: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export const nowMs = (): number => Number(process.hrtime.bigint()) / 1e6;
