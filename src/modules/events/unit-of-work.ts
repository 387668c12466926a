import { Inject, Injectable } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { Propagation, TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { ClsService } from 'nestjs-cls';
import { appConfig } from '../../infra/config/app.config';
import { isRetryableTransactionError } from '../../infra/database/transaction-retry';
import type { ConversationFacts } from '../access/folder-rules';
import type { MessageEntity } from '../conversations/message.entity';
import { DomainEventRepository } from './domain-event.repository';
import { DIRECTORY_EVENTS, DomainEvent, DomainEventEnvelope, DomainEventType } from './domain-events';
import { EventRelay } from './event-relay';

const STATE = Symbol('unit-of-work');

interface ConversationChange {
  orgId: string;
  before: ConversationFacts | null;
  created: MessageEntity[];
  updated: MessageEntity[];
  customerChanged: boolean;
}

interface State {
  events: DomainEvent[];
  conversations: Map<string, ConversationChange>;
}

/**
 * One transaction and the events it produces. Repositories find the open transaction
 * themselves (async context); whoever writes records what changed here; the events are
 * inserted in the same transaction, just before commit, and handed to the relay right
 * after it. Nested `run` calls join the open unit.
 */
@Injectable()
export class UnitOfWork {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly cls: ClsService,
    private readonly events: DomainEventRepository,
    private readonly relay: EventRelay,
    @Inject(appConfig.KEY) private readonly cfg: ConfigType<typeof appConfig>,
  ) {}

  /** Runs `work` in one transaction (retried on serialization failures and deadlocks). */
  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.state()) return work();
    for (let attempt = 1; ; attempt++) {
      try {
        let stored: Awaited<ReturnType<DomainEventRepository['append']>> = [];
        let local: Map<string, readonly MessageEntity[]> = new Map();
        const result = await this.txHost.withTransaction(async () => {
          const state: State = { events: [], conversations: new Map() };
          this.cls.set(STATE, state);
          const value = await work();
          const events = this.flush(state);
          const directoryOrgs = new Set(events.filter((e) => DIRECTORY_EVENTS.includes(e.type)).map((e) => e.orgId));
          if (directoryOrgs.size) await this.events.bumpDirectoryVersion([...directoryOrgs]);
          local = new Map([...state.conversations].map(([id, c]) => [id, [...c.created, ...c.updated]]));
          stored = await this.events.append(events, this.cfg.eventRelay.leaseSeconds);
          return value;
        });
        const byId = new Map([...local.values()].flat().map((m) => [m.id, m]));
        for (const e of stored) {
          if (e.type === 'conversation.changed' && e.conversationId) e.local = { messages: local.get(e.conversationId) ?? [] };
          else if ((e.type === 'message.created' || e.type === 'message.updated') && byId.has(e.data.messageId)) e.local = { messages: [byId.get(e.data.messageId)!] };
        }
        this.relay.committed(stored);
        return result;
      } catch (e) {
        if (!isRetryableTransactionError(e) || attempt >= 4) throw e;
        await new Promise((r) => setTimeout(r, 10 * 2 ** attempt + Math.random() * 20));
      }
    }
  }

  /**
   * Runs `work` under a SAVEPOINT of the open unit of work: if it throws, its rows are rolled
   * back and so is everything it recorded here (events, touched conversations); the unit of
   * work goes on. For applying many independent items where one may be refused.
   */
  async savepoint<T>(work: () => Promise<T>): Promise<T> {
    const s = this.require();
    const events = s.events.length;
    const conversations = [...s.conversations].map(([id, c]): [string, ConversationChange] => [id, { ...c, created: [...c.created], updated: [...c.updated] }]);
    try {
      return await this.txHost.withTransaction(Propagation.Nested, work);
    } catch (e) {
      s.events.length = events;
      s.conversations.clear();
      for (const [id, c] of conversations) s.conversations.set(id, c);
      throw e;
    }
  }

  get active(): boolean {
    return this.state() !== undefined;
  }

  /** Records an event; it commits or rolls back with the transaction. */
  record<T extends DomainEventType>(event: DomainEventEnvelope<T>): void {
    this.require().events.push(event as DomainEvent);
  }

  /** Whether this unit of work already holds the conversation's state from before it changed. */
  hasBefore(conversationId: string): boolean {
    return this.require().conversations.has(conversationId);
  }

  /**
   * The conversation's access facts before this unit of work changes it (taken under its row
   * lock, the first time only). Its readers before and after are compared when relayed.
   */
  conversationTouched(orgId: string, conversationId: string, before: ConversationFacts | null): void {
    const s = this.require();
    if (!s.conversations.has(conversationId)) s.conversations.set(conversationId, { orgId, before, created: [], updated: [], customerChanged: false });
  }

  messageCreated(m: MessageEntity, actorId: string | null): void {
    this.change(m.orgId, m.conversationId).created.push(m);
    this.record({
      type: 'message.created',
      orgId: m.orgId,
      actorId,
      conversationId: m.conversationId,
      customerId: null,
      data: { messageId: m.id, direction: m.direction, kind: m.kind, private: m.private, queued: m.status === 'queued', mentionIds: m.mentionIds ?? [] },
    });
  }

  messageUpdated(m: MessageEntity): void {
    const c = this.change(m.orgId, m.conversationId);
    if (!c.updated.some((x) => x.id === m.id)) c.updated.push(m);
    else c.updated = c.updated.map((x) => (x.id === m.id ? m : x));
    this.record({ type: 'message.updated', orgId: m.orgId, actorId: null, conversationId: m.conversationId, customerId: null, data: { messageId: m.id, status: m.status } });
  }

  customerChanged(orgId: string, customerId: string, conversationId: string | null, fields: string[], actorId: string | null): void {
    if (conversationId) this.change(orgId, conversationId).customerChanged = true;
    this.record({ type: 'customer.updated', orgId, actorId, conversationId, customerId, data: { fields } });
  }

  private change(orgId: string, conversationId: string): ConversationChange {
    const s = this.require();
    let c = s.conversations.get(conversationId);
    if (!c) {
      // Not touched through a lock: its access facts did not change here.
      c = { orgId, before: null, created: [], updated: [], customerChanged: false };
      s.conversations.set(conversationId, c);
    }
    return c;
  }

  /**
   * The recorded events, plus one `conversation.changed` per touched conversation that says
   * more than its message events do: a state from before (its readers may change) or a
   * customer change. A plain message to a conversation whose readers stay the same is fanned
   * out from its `message.created` alone (half the event rows on the busiest path).
   */
  private flush(s: State): DomainEvent[] {
    const changed: DomainEvent[] = [...s.conversations]
      .filter(([, c]) => c.before !== null || c.customerChanged || (c.created.length === 0 && c.updated.length === 0))
      .map(([conversationId, c]) => ({
      type: 'conversation.changed',
      orgId: c.orgId,
      actorId: null,
      conversationId,
      customerId: null,
        data: { before: c.before, createdMessageIds: c.created.map((m) => m.id), updatedMessageIds: c.updated.map((m) => m.id), customerChanged: c.customerChanged },
      }));
    return [...s.events, ...changed];
  }

  private state(): State | undefined {
    return this.cls.isActive() && this.txHost.isTransactionActive() ? this.cls.get<State>(STATE) : undefined;
  }

  private require(): State {
    const s = this.state();
    if (!s) throw new Error('No unit of work is open: changes must be made inside UnitOfWork.run');
    return s;
  }
}
