import { OrgScopedJob } from '../../../infra/queue/queues';

/** Deliver one queued outbound message to its provider. Job id = message id, so enqueueing twice is one job. */
export class DeliverOutboundMessageJob {
  static readonly jobName = 'DeliverOutboundMessageJob';
  constructor(readonly data: OrgScopedJob & { messageId: string }) {}
}
