import { OrgScopedJob } from '../../infra/queue/queues';

/** Download one pending attachment from its provider into storage. Job id derives from the attachment id: enqueueing twice is one job. */
export class FetchAttachmentJob {
  static readonly jobName = 'FetchAttachmentJob';
  constructor(readonly data: OrgScopedJob & { attachmentId: string }) {}
}
