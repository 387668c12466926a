/**
 * Mergeable duration sketches: a fixed log-scale histogram of seconds. Bucket 0 holds values
 * below 1 s; bucket k ≥ 1 holds [2^((k-1)/8), 2^(k/8)) seconds, eight buckets per doubling, up
 * to 2^26 s (≈ 2.1 years; longer values land in the last bucket). Two histograms merge by
 * adding counts element-wise, so a year of daily buckets merges exactly as if it were one.
 *
 * A percentile is reported as its bucket's geometric middle, 2^((k-½)/8): within a factor
 * 2^(1/16) of every value in the bucket, i.e. at most 4.4 % off the exact nearest-rank
 * percentile of the recorded values (then rounded to whole seconds). Stored as text, the counts
 * comma-separated (`'0,3,1'`), trailing zeros trimmed.
 */
export const STEPS_PER_DOUBLING = 8;
export const MAX_DOUBLINGS = 26;
export const HIST_SIZE = STEPS_PER_DOUBLING * MAX_DOUBLINGS + 1;
/** The largest relative error of a reported percentile (before rounding to whole seconds). */
export const RELATIVE_ERROR = 2 ** (1 / (2 * STEPS_PER_DOUBLING)) - 1;

export function bucketOf(seconds: number): number {
  if (!(seconds >= 1)) return 0;
  const k = Math.floor(STEPS_PER_DOUBLING * Math.log2(seconds)) + 1;
  return Math.min(k, HIST_SIZE - 1);
}

/** The value reported for a bucket (its geometric middle; 0 for bucket 0). */
export function bucketValue(k: number): number {
  return k <= 0 ? 0 : 2 ** ((k - 0.5) / STEPS_PER_DOUBLING);
}

/** Adds `b` into `a` (which grows as needed); returns `a`. */
export function mergeInto(a: number[], b: readonly number[]): number[] {
  for (let i = 0; i < b.length; i++) a[i] = (a[i] ?? 0) + (b[i] ?? 0);
  return a;
}

/**
 * Adds a histogram given as text into `a`; returns `a`. The stored form is `'0,3,1'`
 * (report_rollups); braces, as in PostgreSQL array text `{0,3,1}`, are skipped. One pass over the
 * characters: a year by member adds up tens of thousands of these per request.
 */
export function mergeTextInto(a: number[], text: string): number[] {
  let k = 0;
  let n = 0;
  let inNumber = false;
  for (let p = 0; p < text.length; p++) {
    const c = text.charCodeAt(p);
    if (c >= 48 && c <= 57) {
      n = n * 10 + (c - 48);
      inNumber = true;
    } else if (c === 44) {
      addAt(a, k++, n);
      n = 0;
      inNumber = false;
    }
  }
  if (inNumber) addAt(a, k, n);
  return a;
}

function addAt(a: number[], k: number, n: number): void {
  if (k < a.length) a[k] += n;
  else {
    while (a.length < k) a.push(0);
    a.push(n);
  }
}

/** A histogram of these values, trailing zeros trimmed. */
export function histogramOf(values: readonly number[]): number[] {
  const h: number[] = [];
  for (const v of values) {
    const k = bucketOf(v);
    while (h.length <= k) h.push(0);
    h[k]++;
  }
  return h;
}

/**
 * Nearest-rank percentile (the smallest recorded value with at least `p` of all values at or
 * below it), as whole seconds; null without values.
 */
export function percentile(h: readonly number[], p: number): number | null {
  let n = 0;
  for (const c of h) n += c ?? 0;
  if (n === 0) return null;
  const rank = Math.max(1, Math.ceil(p * n));
  let seen = 0;
  for (let k = 0; k < h.length; k++) {
    seen += h[k] ?? 0;
    if (seen >= rank) return Math.round(bucketValue(k));
  }
  return Math.round(bucketValue(h.length - 1));
}
