import { Injectable, OnModuleInit } from '@nestjs/common';
import type { DomainEventSubscriber, StoredEvent } from '../events/domain-events';
import { EventRelay } from '../events/event-relay';
import { UnitOfWork } from '../events/unit-of-work';
import { localDay } from './local-day';
import { ReportRepository } from './report.repository';
import { fold, REPORT_EVENT_TYPES, ReportEvent } from './report-fold';
import { rollupDeltas } from './rollup-deltas';

const TYPES: ReadonlySet<string> = new Set(REPORT_EVENT_TYPES);

/**
 * Keeps the report rollups up to date as events are relayed. A batch only says which
 * conversations have news: their events are read back from `domain_events` after each one's
 * watermark (`report_conversations.last_event_id`) and folded in id order, under the state
 * row's lock, in one transaction with the rollup upserts and the new watermark. A replayed,
 * duplicated or late-relayed event is at or below the watermark and changes nothing.
 */
@Injectable()
export class ReportSubscriber implements DomainEventSubscriber, OnModuleInit {
  readonly name = 'reports';

  constructor(
    private readonly relay: EventRelay,
    private readonly uow: UnitOfWork,
    private readonly repo: ReportRepository,
  ) {}

  onModuleInit(): void {
    this.relay.register(this);
  }

  async handle(events: readonly StoredEvent[]): Promise<void> {
    const byOrg = new Map<string, Set<string>>();
    for (const e of events) {
      if (!e.conversationId || !TYPES.has(e.type)) continue;
      const set = byOrg.get(e.orgId) ?? new Set<string>();
      set.add(e.conversationId);
      byOrg.set(e.orgId, set);
    }
    for (const [orgId, ids] of byOrg) await this.catchUp(orgId, [...ids]);
  }

  /** Folds every not yet folded report event of these conversations. */
  async catchUp(orgId: string, conversationIds: readonly string[]): Promise<void> {
    await this.uow.run(async () => {
      const org = await this.repo.orgContext(orgId);
      if (!org) return;
      const states = await this.repo.lockStates(orgId, conversationIds);
      const watermarks = new Map([...states].map(([id, s]) => [id, s.lastEventId]));
      const fresh = await this.repo.eventsAfter(orgId, watermarks, REPORT_EVENT_TYPES);
      if (fresh.length === 0) return;
      const perConversation = new Map<string, ReportEvent[]>();
      for (const e of fresh) {
        const list = perConversation.get(e.conversationId) ?? [];
        list.push(e);
        perConversation.set(e.conversationId, list);
      }
      const ctx = { rootUnitId: org.rootUnitId, localDay: (at: Date) => localDay(at, org.timezone) };
      const saved = [];
      const contributions = [];
      for (const [conversationId, list] of perConversation) {
        const r = fold(states.get(conversationId)?.state ?? {}, list, ctx);
        contributions.push(...r.contributions);
        saved.push({ conversationId, lastEventId: list[list.length - 1].id, state: r.state });
      }
      await this.repo.addRollups(orgId, rollupDeltas(contributions));
      await this.repo.saveStates(orgId, saved);
    });
  }
}
