/** Every BullMQ queue. Job names are the job classes' names; payloads carry ids only. */
export enum QueueName {
  Outbound = 'outbound',
  Notifications = 'notifications',
  Governance = 'governance',
  /** The daily retention sweep and its per-org runs. */
  Retention = 'retention',
  /** Inbound media downloads (FetchAttachmentJob). */
  Media = 'media',
  /** Customer display names and avatars (RefreshCustomerProfileJob). */
  Profiles = 'profiles',
  /** The daily sweep of stored files no attachment row names (OrphanFilesSweepJob, DeleteOrphanFilesJob). */
  OrphanFiles = 'orphan-files',
}

export interface OrgScopedJob {
  orgId: string;
}
