import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { decodeTimeIdCursor, toPage } from '../../infra/http/pagination';
import type { Viewer } from '../access/viewer';
import { MessageRepository } from '../conversations/message.repository';
import { UnitOfWork } from '../events/unit-of-work';
import { MetricsCollector, QUEUE_STATES } from '../metrics/metrics.collector';
import { DeliveryRetryDto, FailedDeliveryPage, QueuesDto } from './failed-deliveries.dto';
import { FailedDeliveriesQuery, FailedDeliveryRow } from './failed-deliveries.query';

const DEFAULT_LIMIT = 50;

/** Failed outbound deliveries, visible and recoverable by an admin (docs/operations.md). */
@Injectable()
export class FailedDeliveriesService {
  constructor(
    private readonly query: FailedDeliveriesQuery,
    private readonly messages: MessageRepository,
    private readonly uow: UnitOfWork,
    private readonly collector: MetricsCollector,
  ) {}

  async list(viewer: Viewer, q: { limit?: number; cursor?: string }): Promise<FailedDeliveryPage> {
    const limit = q.limit ?? DEFAULT_LIMIT;
    const rows = await this.query.list(viewer.orgId, limit, decodeTimeIdCursor(q.cursor));
    return toPage(rows, limit, toDto, (r) => [r.failed_key, r.id]);
  }

  /**
   * `failed` → `queued`, and once committed the message goes to the outbound queue again (the
   * `message.delivery_retried` event, DeliveryRetrySubscriber). A message of another org, or no
   * outbound message at all: 404; one that is not failed (already queued again, sent…): 409.
   */
  async retry(viewer: Viewer, messageId: string): Promise<DeliveryRetryDto> {
    const requeued = await this.uow.run(async () => {
      const m = await this.messages.requeueFailed(viewer.orgId, messageId);
      if (!m) return false;
      this.uow.record({
        type: 'message.delivery_retried',
        orgId: viewer.orgId,
        actorId: viewer.memberId,
        conversationId: m.conversationId,
        customerId: null,
        data: { messageId },
      });
      return true;
    });
    if (requeued) return { messageId, status: 'queued' };
    const current = await this.query.outboundStatus(viewer.orgId, messageId);
    if (!current) throw new NotFoundException('Message not found');
    throw new ConflictException(`The message's delivery is not failed (it is ${current.status ?? 'not tracked'})`);
  }

  /** Job counts of every queue. Queues are shared by the whole deployment: counts, never jobs or org data. */
  async queues(): Promise<QueuesDto> {
    const counts = await this.collector.queueCounts();
    return {
      queues: Object.entries(counts).map(([name, c]) => ({
        name,
        available: c !== null,
        ...(Object.fromEntries(QUEUE_STATES.map((s) => [s, c ? c[s] : null])) as Record<(typeof QUEUE_STATES)[number], number | null>),
      })),
    };
  }
}

function toDto(r: FailedDeliveryRow) {
  return {
    messageId: r.id,
    conversationId: r.conversation_id,
    channelAccountId: r.channel_account_id,
    channel: r.channel,
    error: r.error,
    attempts: r.attempts,
    createdAt: new Date(r.created_at).toISOString(),
    failedAt: new Date(r.failed_at as Date).toISOString(),
  };
}
