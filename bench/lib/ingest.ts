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
  /** Message events in failed webhooks by HTTP status (or `no answer`: connection error or 30-s timeout). */
  errorsBy: Record<string, number>;
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
  /**
   * Message events posted while an earlier message to the same conversation was still
   * unanswered (or earlier in the same webhook): how often messages to one conversation
   * arrived together. Depends on the server's own latency, so it is higher for a slower server.
   */
  sameConversationInFlight: number;
}

/**
 * Which conversations the load goes to: each message event picks one of `conversations`
 * (indexes into the org's conversations) uniformly, from a PRNG seeded by the pattern, the
 * rate and the step length, so our server and the baseline get the same sequence per step.
 */
export interface IngestPattern {
  name: string;
  conversations: number[];
}

/**
 * Conversation indexes for a pattern: all of them (spread), or `hot` of them. The hot ones are
 * taken at evenly spaced quantiles of audience size (sockets owed a message), so a hot message
 * is owed to about as many sockets as a spread one and the two scenarios differ only in how
 * concentrated the load is.
 */
export function patternConversations(audience: number[], hot: number | null): number[] {
  const all = Array.from({ length: audience.length }, (_, i) => i);
  if (hot === null || hot >= all.length) return all;
  const byAudience = all.sort((x, y) => audience[x] - audience[y] || x - y);
  return Array.from({ length: hot }, (_, k) => byAudience[Math.floor(((k + 0.5) * byAudience.length) / hot)]).sort((x, y) => x - y);
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
  pattern: IngestPattern;
  /** A step is sustained only if its delivery p99 is at most this (beyond it the step is queueing). */
  sustainedP99Ms: number;
  runId: string;
  log: (s: string) => void;
}

let seq = 0;

/**
 * Open-loop load: webhooks are posted on a schedule whatever the answers do (a closed loop
 * would slow down with the server and hide its limit), one LINE message event each, from a
 * random customer among the pattern's conversations.
 */
export async function runLadder(o: LadderOptions): Promise<IngestStep[]> {
  // Warm-up, not reported: JIT, pool connections, prepared statements, caches. Without it the
  // first step measures a cold process catching up with its own start.
  const warm = await runStep(o, Math.min(100, o.rates[0]), 5, 'warm-up');
  o.log(`  ${o.label}/${o.pattern.name} warm-up ${warm.achievedPerSecond}/s, delivery p99 ${warm.deliveryMs.p99} ms (not reported)`);
  await sleep(1500);
  const steps: IngestStep[] = [];
  for (const rate of o.rates) {
    const step = await runStep(o, rate, o.stepSeconds);
    steps.push(step);
    o.log(
      `  ${o.label}/${o.pattern.name} ${String(rate).padStart(5)}/s → ${step.achievedPerSecond}/s ok=${step.ok} err=${step.errors}${step.errors ? ` ${JSON.stringify(step.errorsBy)}` : ''} shed=${step.shed} ` +
        `delivery p50/p95/p99 ${step.deliveryMs.p50}/${step.deliveryMs.p95}/${step.deliveryMs.p99} ms, missed ${step.missed}, leaked ${step.leaked}, ` +
        `same-conversation in flight ${step.sameConversationInFlight}${step.sustained ? '' : ' (not sustained)'}`,
    );
    await sleep(1500);
    if (!step.sustained && step.achievedPerSecond < rate * 0.7) break; // far past the limit: higher rates say nothing new
  }
  return steps;
}

async function runStep(o: LadderOptions, rate: number, seconds: number, tag = 'step'): Promise<IngestStep> {
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
  const errorsBy: Record<string, number> = {};
  const fail = (why: string, n: number) => {
    errors += n;
    errorsBy[why] = (errorsBy[why] ?? 0) + n;
  };
  let lastAnswer = 0;
  const path = `/webhooks/line/${o.accountId}`;
  const pick = o.pattern.conversations;
  const random = mulberry32(hashSeed(`${o.pattern.name}:${tag}:${rate}:${seconds}`));
  const convInFlight = new Uint32Array(o.org.conversations.length);
  let sameConversationInFlight = 0;
  const start = nowMs();

  /** One webhook carrying `n` message events (LINE batches events that arrive together). */
  const post = (n: number) => {
    const t = process.hrtime.bigint();
    const first = seq;
    const events = Array.from({ length: n }, () => {
      const s = seq++;
      const conv = pick[Math.floor(random() * pick.length)];
      convOf[s - seqFrom] = conv;
      if (convInFlight[conv]++ > 0) sameConversationInFlight++;
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
        else fail(String(res.status), n);
      })
      .catch(() => fail('no answer', n))
      .finally(() => {
        inFlight--;
        for (let k = first; k < first + n; k++) convInFlight[convOf[k - seqFrom]]--;
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
  const deliveryMs = percentiles(got.latencies);
  return {
    offeredPerSecond: rate,
    achievedPerSecond: achieved,
    posted: sent - shed,
    ok,
    errors,
    errorsBy,
    shed,
    ackMs: percentiles(acks),
    deliveryMs,
    expectedDeliveries: expected,
    deliveries: got.latencies.length,
    missed,
    leaked: got.leakedMessages + got.leakedUpserts,
    duplicates: got.duplicates,
    sustained: errors === 0 && shed === 0 && missed === 0 && achieved >= rate * 0.95 && deliveryMs.p99 !== null && deliveryMs.p99 <= o.sustainedP99Ms,
    ackP99BySecond: Array.from(ackBySecond, (a) => (a ? percentiles(a, [99]).p99 : null)),
    sameConversationInFlight,
  };
}

/** Small seeded PRNG (mulberry32): the same conversation sequence for our server and the baseline. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hashSeed(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}
