import { Injectable, OnModuleInit } from '@nestjs/common';
import { DomainEventSubscriber, isEvent, StoredEvent } from '../events/domain-events';
import { EventRelay } from '../events/event-relay';
import { FetchAttachmentJob } from './fetch-attachment.job';
import { MediaQueue } from './media.queue';

/** Attachments committed `pending` get their download job (job id per attachment: relaying twice enqueues once). */
@Injectable()
export class MediaSubscriber implements DomainEventSubscriber, OnModuleInit {
  readonly name = 'media';

  constructor(
    private readonly relay: EventRelay,
    private readonly queue: MediaQueue,
  ) {}

  onModuleInit(): void {
    this.relay.register(this);
  }

  async handle(events: readonly StoredEvent[]): Promise<void> {
    const adds: Promise<void>[] = [];
    for (const e of events) {
      if (!isEvent(e, 'attachments.pending')) continue;
      for (const attachmentId of e.data.attachmentIds) adds.push(this.queue.enqueue(new FetchAttachmentJob({ orgId: e.orgId, attachmentId })));
    }
    const failed = (await Promise.allSettled(adds)).find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }
}
