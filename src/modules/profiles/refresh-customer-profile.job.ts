import { OrgScopedJob } from '../../infra/queue/queues';

/** Fetch a customer's display name and avatar from the provider (at most daily). Job id per conversation and day. */
export class RefreshCustomerProfileJob {
  static readonly jobName = 'RefreshCustomerProfileJob';
  constructor(readonly data: OrgScopedJob & { conversationId: string }) {}
}
