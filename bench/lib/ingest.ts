import { lineSignature } from '../../src/modules/channels/providers/signatures';
import { BenchOrg } from './bench-org';
import { HttpClient } from './http';
import { ReceiverPool } from './receivers';
import { nowMs, percentiles, round, sleep } from './stats';

export interface IngestStep {
  offeredPerSecond: number;
  /** Messages in webhooks answered 200, per second, first POST to last answer. */
  achievedPerSecond: number;
  posted: number;
  ok: number;
  errors: number;
  /** Posts not sent because `maxInFlight` answers were outstanding: the server fell behind. */
  shed: number;
  ackMs: Record<string, number | null>;
  deliveryMs: Record<string, number | null>;
  expectedDeliveries: number;
  deliveries: number;
  missed: number;
  leaked: number;
  duplicates: number;
  sustained: boolean;
  /** p99 of the answers to the webhooks posted in each second of the step (stalls show here). */
  ackP99BySecond: (number | null)[];
}

export interface LadderOptions {
  label: string;
  /** Webhooks go round-robin to these (one per API process). */
  apis: HttpClient[];
  accountId: string;
  org: BenchOrg;
  receivers: ReceiverPool;
  /** Sockets that must receive a message of conversation i. */
  expectedSockets: number[];
  rates: number[];
  stepSeconds: number;
  maxInFlight: number;
  /** Message events per webhook (1: the worst case, one transaction per message). */
  eventsPerWebhook: number;
  runId: string;
  log: (s: string) => void;
}

let seq = 0;

/**
 * Open-loop load: webhooks are posted on a schedule whatever the answers do (a closed loop
 * would slow down with the server and hide its limit), one LINE message event each, from a
 * random customer of the org.
 */
export async function runLadder(o: LadderOptions): Promise<IngestStep[]> {
  // Warm-up, not reported: JIT, pool connections, prepared statements, caches. Without it the
  // first step measures a cold process catching up with its own start.
  const warm = await runStep(o, Math.min(100, o.rates[0]), 5);
  o.log(`  ${o.label} warm-up ${warm.achievedPerSecond}/s, delivery p99 ${warm.deliveryMs.p99} ms (not reported)`);
  await sleep(1500);
  const steps: IngestStep[] = [];
  for (const rate of o.rates) {
    const step = await runStep(o, rate, o.stepSeconds);
    steps.push(step);
    o.log(
      `  ${o.label} ${String(rate).padStart(5)}/s → ${step.achievedPerSecond}/s ok=${step.ok} err=${step.errors} shed=${step.shed} ` +
        `delivery p50/p95/p99 ${step.deliveryMs.p50}/${step.deliveryMs.p95}/${step.deliveryMs.p99} ms, missed ${step.missed}, leaked ${step.leaked}`,
    );
    await sleep(1500);
    if (!step.sustained && step.achievedPerSecond < rate * 0.7) break; // far past the limit: higher rates say nothing new
  }
  return steps;
}

async function runStep(o: LadderOptions, rate: number, seconds: number): Promise<IngestStep> {
  const total = Math.round(rate * seconds);
  const seqFrom = seq;
  const convOf = new Int32Array(total).fill(-1);
  const okSeq = new Uint8Array(total);
  const acks: number[] = [];
  const ackBySecond: number[][] = [];
  let inFlight = 0;
  let sent = 0;
  let shed = 0;
  let errors = 0;
  let lastAnswer = 0;
  const path = `/webhooks/line/${o.accountId}`;
  const start = nowMs();

  /** One webhook carrying `n` message events (LINE batches events that arrive together). */
  const post = (n: number) => {
    const t = process.hrtime.bigint();
    const first = seq;
    const events = Array.from({ length: n }, () => {
      const s = seq++;
      const conv = Math.floor(Math.random() * o.org.conversations.length);
      convOf[s - seqFrom] = conv;
      return {
        type: 'message',
        mode: 'active',
        timestamp: Date.now(),
        source: { type: 'user', userId: o.org.conversations[conv].userId },
        webhookEventId: `bench${o.runId}${s}`,
        deliveryContext: { isRedelivery: false },
        replyToken: 'bench',
        message: { type: 'text', id: `${o.runId}${s}`, quoteToken: 'q', text: `bench:${s}:${conv}:${t}` },
      };
    });
    const body = Buffer.from(JSON.stringify({ destination: o.org.destination, events }));
    inFlight++;
    o.apis[first % o.apis.length]
      .request('POST', path, body, { 'x-line-signature': lineSignature(o.org.lineSecret, body) })
      .then((res) => {
        if (res.status === 200) okSeq.fill(1, first - seqFrom, first - seqFrom + n);
        else errors += n;
      })
      .catch(() => (errors += n))
      .finally(() => {
        inFlight--;
        lastAnswer = nowMs();
        const sentAt = Number(t) / 1e6;
        acks.push(lastAnswer - sentAt);
        (ackBySecond[Math.floor((sentAt - start) / 1000)] ??= []).push(lastAnswer - sentAt);
      });
  };

  await new Promise<void>((resolve) => {
    const tick = () => {
      const due = Math.min(total, Math.floor(((nowMs() - start) / 1000) * rate));
      while (sent < due) {
        const n = Math.min(o.eventsPerWebhook, total - sent);
        sent += n;
        if (inFlight >= o.maxInFlight) shed += n;
        else post(n);
      }
      if (sent >= total) resolve();
      else setTimeout(tick, 1);
    };
    tick();
  });
  while (inFlight > 0) await sleep(5);

  const seqTo = seq;
  let expected = 0;
  for (let k = 0; k < seqTo - seqFrom; k++) if (okSeq[k]) expected += o.expectedSockets[convOf[k]];
  const got = await o.receivers.collect(seqFrom, seqTo, expected, 15_000);
  let missed = 0;
  for (let k = 0; k < seqTo - seqFrom; k++) {
    if (convOf[k] < 0) continue;
    // A message whose webhook failed may still have been stored and sent; only 200s are owed.
    if (okSeq[k]) missed += Math.max(0, o.expectedSockets[convOf[k]] - got.counts[k]);
  }
  const ok = okSeq.reduce((s, v) => s + v, 0);
  const elapsed = (lastAnswer - start) / 1000;
  const achieved = round(ok / elapsed, 1);
  return {
    offeredPerSecond: rate,
    achievedPerSecond: achieved,
    posted: sent - shed,
    ok,
    errors,
    shed,
    ackMs: percentiles(acks),
    deliveryMs: percentiles(got.latencies),
    expectedDeliveries: expected,
    deliveries: got.latencies.length,
    missed,
    leaked: got.leakedMessages + got.leakedUpserts,
    duplicates: got.duplicates,
    sustained: errors === 0 && shed === 0 && missed === 0 && achieved >= rate * 0.95,
    ackP99BySecond: Array.from(ackBySecond, (a) => (a ? percentiles(a, [99]).p99 : null)),
  };
}
