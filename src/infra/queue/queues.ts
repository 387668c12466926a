/** Every BullMQ queue. Job names are the job classes' names; payloads carry ids only. */
export enum QueueName {
  Outbound = 'outbound',
  Notifications = 'notifications',
}

export interface OrgScopedJob {
  orgId: string;
}
