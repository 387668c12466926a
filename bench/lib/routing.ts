import { Client } from 'pg';
import { io, Socket } from 'socket.io-client';
import { lineSignature } from '../../src/modules/channels/providers/signatures';
import type { BenchOrg } from './bench-org';
import { HttpClient, pool } from './http';
import { nowMs, percentiles, round, sleep } from './stats';

export interface RoutingRun {
  routing: 'off' | 'on';
  webhooks: number;
  ok: number;
  perSecond: number;
  ackMs: Record<string, number | null>;
  /** New conversations assigned by routing during the run. */
  routed: number;
}

/**
 * Ingest of NEW conversations (each webhook a customer never seen: created, then routed in the
 * same transaction) with routing off (every unit `manual`) and on (the LINE account's routing
 * unit is one store, `round_robin`, its members connected), same server, same run.
 */
export async function measureRoutingIngest(o: {
  api: HttpClient;
  serverUrl: string;
  databaseUrl: string;
  org: BenchOrg;
  tokens: Map<string, string>;
  count: number;
  concurrency: number;
  runId: string;
  log: (s: string) => void;
}): Promise<RoutingRun[]> {
  const db = new Client({ connectionString: o.databaseUrl });
  await db.connect();
  const sockets: Socket[] = [];
  try {
    const [admin] = (await db.query(`SELECT m.id FROM members m JOIN roles r ON r.id = m.role_id WHERE m.org_id = $1 AND r.builtin = 'administrator' LIMIT 1`, [o.org.orgId])).rows;
    const [store] = (await db.query(`SELECT u.id FROM units u WHERE u.org_id = $1 AND u.depth = 3 ORDER BY u.id LIMIT 1`, [o.org.orgId])).rows;
    const staff = (await db.query(`SELECT id FROM members WHERE org_id = $1 AND unit_id = $2 AND status = 'active'`, [o.org.orgId, store.id])).rows.map((r: { id: string }) => r.id);
    const adminToken = o.tokens.get(admin.id)!;
    for (const id of staff) {
      const token = o.tokens.get(id);
      if (!token) continue;
      const s = io(`${o.serverUrl}/inbox`, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
      await new Promise<void>((resolve, reject) => {
        s.once('connect', () => resolve());
        s.once('connect_error', reject);
      });
      sockets.push(s);
    }
    await sleep(500); // presence recorded
    const runs: RoutingRun[] = [];
    for (const routing of ['off', 'on'] as const) {
      await o.api.json('PATCH', `/api/v1/units/${store.id}`, adminToken, { routing: routing === 'on' ? 'round_robin' : 'manual' });
      await o.api.json('PATCH', `/api/v1/channel-accounts/${o.org.lineAccountId}`, adminToken, { routingUnitId: routing === 'on' ? store.id : null });
      const before = Number((await db.query(`SELECT count(*) AS n FROM assignments WHERE org_id = $1 AND via = 'routing'`, [o.org.orgId])).rows[0].n);
      const acks: number[] = [];
      let ok = 0;
      const start = nowMs();
      await pool(
        Array.from({ length: o.count }, (_, i) => i),
        o.concurrency,
        async (i) => {
          const userId = `U${o.runId}${routing}${String(i).padStart(8, '0')}`.padEnd(33, '0').slice(0, 33);
          const body = Buffer.from(
            JSON.stringify({
              destination: o.org.destination,
              events: [
                {
                  type: 'message',
                  mode: 'active',
                  timestamp: Date.now(),
                  source: { type: 'user', userId },
                  webhookEventId: `route${o.runId}${routing}${i}`,
                  deliveryContext: { isRedelivery: false },
                  replyToken: 'bench',
                  message: { type: 'text', id: `route${o.runId}${routing}${i}`, quoteToken: 'q', text: `routing ${routing} ${i}` },
                },
              ],
            }),
          );
          const t0 = nowMs();
          const res = await o.api.request('POST', `/webhooks/line/${o.org.lineAccountId}`, body, { 'x-line-signature': lineSignature(o.org.lineSecret, body) }).catch(() => ({ status: 0 }));
          acks.push(nowMs() - t0);
          if (res.status === 200) ok++;
        },
      );
      const elapsed = (nowMs() - start) / 1000;
      const after = Number((await db.query(`SELECT count(*) AS n FROM assignments WHERE org_id = $1 AND via = 'routing'`, [o.org.orgId])).rows[0].n);
      const run: RoutingRun = { routing, webhooks: o.count, ok, perSecond: round(ok / elapsed, 1), ackMs: percentiles(acks), routed: after - before };
      o.log(`   routing ${routing}: ${ok}/${o.count} new conversations at ${run.perSecond}/s, ack p50 ${run.ackMs.p50} ms, p99 ${run.ackMs.p99} ms, ${run.routed} routed`);
      runs.push(run);
    }
    await o.api.json('PATCH', `/api/v1/channel-accounts/${o.org.lineAccountId}`, adminToken, { routingUnitId: null });
    return runs;
  } finally {
    sockets.forEach((s) => s.close());
    await db.end();
  }
}
