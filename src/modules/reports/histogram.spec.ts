import { bucketOf, bucketValue, HIST_SIZE, histogramOf, mergeInto, mergeTextInto, percentile, RELATIVE_ERROR } from './histogram';

describe('report histograms', () => {
  it('puts values under one second in bucket 0 and caps very long ones', () => {
    expect(bucketOf(0)).toBe(0);
    expect(bucketOf(0.99)).toBe(0);
    expect(bucketOf(1)).toBe(1);
    expect(bucketOf(10 ** 12)).toBe(HIST_SIZE - 1);
  });

  it('reports every value within the documented relative error', () => {
    expect(RELATIVE_ERROR).toBeLessThan(0.045);
    for (let v = 1; v < 4e7; v = v * 1.37 + 1) {
      const reported = bucketValue(bucketOf(v));
      expect(Math.abs(reported - v) / v).toBeLessThanOrEqual(RELATIVE_ERROR + 1e-9);
    }
  });

  it('uses the nearest rank: p50 of [60, 300] is about 60, p90 about 300', () => {
    const h = histogramOf([60, 300]);
    expect(Math.abs(percentile(h, 0.5)! - 60)).toBeLessThanOrEqual(60 * RELATIVE_ERROR + 0.5);
    expect(Math.abs(percentile(h, 0.9)! - 300)).toBeLessThanOrEqual(300 * RELATIVE_ERROR + 0.5);
    expect(percentile([], 0.5)).toBeNull();
  });

  it('merges exactly: merged buckets equal the buckets of all values together', () => {
    const a = [5, 70, 3600, 0.2];
    const b = [86400, 12, 12, 7200];
    expect(mergeInto(histogramOf(a), histogramOf(b))).toEqual(histogramOf([...a, ...b]));
    expect(percentile(mergeInto(histogramOf(a), histogramOf(b)), 0.9)).toBe(percentile(histogramOf([...a, ...b]), 0.9));
  });

  it('adds histograms read as PostgreSQL array text', () => {
    expect(mergeTextInto([1, 1], '{0,2,5}')).toEqual([1, 3, 5]);
    expect(mergeTextInto([4], '{}')).toEqual([4]);
  });

  it('adds histograms in their stored form (comma-separated counts) of any length', () => {
    expect(mergeTextInto([1], '0,2,5')).toEqual([1, 2, 5]);
    expect(mergeTextInto([4, 1, 7], '12')).toEqual([16, 1, 7]);
    expect(mergeTextInto([4], '')).toEqual([4]);
    const a = [3, 600, 5];
    const b = [0, 1, 0, 0, 123456];
    expect(mergeTextInto([...a], b.join(','))).toEqual(mergeInto([...a], b));
  });
});
