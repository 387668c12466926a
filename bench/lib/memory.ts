import { ReceiverPool, SocketAssignment } from './receivers';
import { round, sleep } from './stats';

export interface MemoryPoint {
  sockets: number;
  rssMiB: number;
  /** (RSS now − RSS with no socket) / sockets. */
  perSocketKiB: number | null;
}

/**
 * Idle sockets only: connect, let the process settle, read VmRSS. Without a forced GC the
 * figure includes garbage not yet collected, so it is an upper bound.
 */
export async function measureIdleSockets(
  url: string,
  rssKiB: () => number,
  receivers: ReceiverPool,
  sockets: (n: number) => SocketAssignment[],
  levels: number[],
  log: (s: string) => void,
): Promise<MemoryPoint[]> {
  await sleep(3000);
  const base = rssKiB();
  const points: MemoryPoint[] = [{ sockets: 0, rssMiB: round(base / 1024, 1), perSocketKiB: null }];
  let connected = 0;
  const all = sockets(Math.max(...levels));
  for (const n of levels) {
    const r = await receivers.connect(url, all.slice(connected, n), 200);
    if (r.failed > 0) throw new Error(`${r.failed} of ${n - connected} sockets failed to connect`);
    connected = n;
    await sleep(5000);
    const rss = rssKiB();
    points.push({ sockets: n, rssMiB: round(rss / 1024, 1), perSocketKiB: round((rss - base) / n, 1) });
    log(`  ${String(n).padStart(6)} idle sockets: RSS ${round(rss / 1024, 1)} MiB, ${round((rss - base) / n, 1)} KiB per socket`);
  }
  return points;
}
