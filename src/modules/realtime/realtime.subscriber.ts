import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import Redis from 'ioredis';
import { DependencyProbe, DependencyUnavailableError } from '../../infra/queue/unavailable';
import { REDIS } from '../../infra/redis/redis.module';
import { MessageEntity } from '../conversations/message.entity';
import { MessageRepository } from '../conversations/message.repository';
import { DomainEventSubscriber, isEvent, StoredEvent } from '../events/domain-events';
import { EventRelay } from '../events/event-relay';
import { Metrics } from '../metrics/metrics';
import { ConversationChange, RealtimeService } from './realtime.service';

/**
 * Committed events → socket events. Per conversation, the relay's batch is folded into one
 * change (several messages to one conversation arriving together cost one fan-out).
 *
 * Throws when the fan-out failed (a query, or Redis not taking the socket events): the relay
 * keeps the events in the outbox and relays them again; a Redis outage carries a probe (PING)
 * so the relay knows when to try again (docs/operations-faults.md).
 */
@Injectable()
export class RealtimeSubscriber implements DomainEventSubscriber, OnModuleInit {
  readonly name = 'realtime';
  private readonly probe: DependencyProbe;

  constructor(
    private readonly relay: EventRelay,
    private readonly realtime: RealtimeService,
    private readonly messages: MessageRepository,
    @Inject(REDIS) redis: Redis,
    private readonly metrics: Metrics,
  ) {
    this.probe = { name: 'realtime (PING)', check: () => redis.ping() };
  }

  onModuleInit(): void {
    this.relay.register(this);
  }

  async handle(events: readonly StoredEvent[]): Promise<void> {
    try {
      await this.relayed(events);
      this.metrics.emittedToSockets(events);
    } catch (e) {
      if (e instanceof DependencyUnavailableError && !e.probe) throw new DependencyUnavailableError(e.dependency, e.message, this.probe, { cause: e });
      throw e;
    }
  }

  private async relayed(events: readonly StoredEvent[]): Promise<void> {
    const changes = new Map<string, ConversationChange & { createdIds: string[]; updatedIds: string[] }>();
    const known = new Map<string, MessageEntity>();
    for (const e of events) {
      if (isEvent(e, 'conversation.changed') && e.conversationId) {
        for (const m of e.local?.messages ?? []) known.set(m.id, m);
        const c = changes.get(e.conversationId);
        if (!c) {
          changes.set(e.conversationId, {
            orgId: e.orgId,
            conversationId: e.conversationId,
            // The earliest state in the batch: anyone who could read it and no longer can is told.
            before: e.data.before,
            customerChanged: e.data.customerChanged,
            createdIds: [...e.data.createdMessageIds],
            updatedIds: [...e.data.updatedMessageIds],
          });
        } else {
          c.customerChanged ||= e.data.customerChanged;
          c.createdIds.push(...e.data.createdMessageIds);
          c.updatedIds.push(...e.data.updatedMessageIds);
          c.before ??= e.data.before;
        }
      } else if ((isEvent(e, 'message.created') || isEvent(e, 'message.updated')) && e.conversationId) {
        // A message whose conversation's readers did not change has no conversation.changed of its own.
        for (const m of e.local?.messages ?? []) known.set(m.id, m);
        let c = changes.get(e.conversationId);
        if (!c) {
          c = { orgId: e.orgId, conversationId: e.conversationId, before: null, customerChanged: false, createdIds: [], updatedIds: [] };
          changes.set(e.conversationId, c);
        }
        (e.type === 'message.created' ? c.createdIds : c.updatedIds).push(e.data.messageId);
      } else if (isEvent(e, 'members.permissions_changed')) {
        await this.flush(changes, known);
        await this.realtime.permissionsChanged(e.orgId, e.data.memberIds);
      } else if (isEvent(e, 'member.presence_changed')) {
        await this.realtime.presenceChanged(e.orgId, e.data.memberId, e.data.unitId, e.data.presence);
      } else if (isEvent(e, 'member.deactivated')) {
        await this.flush(changes, known);
        this.realtime.memberDeactivated(e.data.memberId);
      }
    }
    await this.flush(changes, known);
  }

  private async flush(changes: Map<string, ConversationChange & { createdIds: string[]; updatedIds: string[] }>, known: Map<string, MessageEntity>): Promise<void> {
    if (changes.size === 0) return;
    // Messages not carried in memory (events relayed by another process or after a restart) are read once for the batch.
    const missing = new Map<string, string[]>();
    for (const c of changes.values()) {
      for (const id of [...c.createdIds, ...c.updatedIds]) if (!known.has(id)) missing.set(c.orgId, [...(missing.get(c.orgId) ?? []), id]);
    }
    for (const [orgId, ids] of missing) for (const m of await this.messages.findManyById(orgId, ids)) known.set(m.id, m);
    const list = [...changes.values()].map((c) => ({
      ...c,
      createdMessages: unique(c.createdIds).map((id) => known.get(id)).filter((m): m is MessageEntity => !!m),
      updatedMessages: unique(c.updatedIds).map((id) => known.get(id)).filter((m): m is MessageEntity => !!m),
    }));
    changes.clear();
    await this.realtime.conversationsChanged(list);
  }
}

function unique(ids: readonly string[]): string[] {
  return [...new Set(ids)];
}
