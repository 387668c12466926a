import { OrgScopedJob } from '../../infra/queue/queues';

/** Emails one invitation its link. Job id = `invitation-email-<invitationId>`, for a resend `invitation-email-<invitationId>-<eventId>`. */
export class SendInvitationEmailJob {
  static readonly jobName = 'SendInvitationEmailJob';
  constructor(readonly data: OrgScopedJob & { invitationId: string }) {}
}

/** Records one grant's expiry (audit, directories, `permissions.changed`). Job id = `grant-expiry-<grantId>`. */
export class GrantExpiryJob {
  static readonly jobName = 'GrantExpiryJob';
  constructor(readonly data: OrgScopedJob & { grantId: string }) {}
}

/** Daily: enqueues one ApplyRetentionJob per org that set `retentionDays`. Job scheduler id = `retention-sweep`. */
export class RetentionSweepJob {
  static readonly jobName = 'RetentionSweepJob';
  constructor(readonly data: Record<string, never> = {}) {}
}

/** Deletes one org's expired history in small batches. Job id = `retention-<orgId>-<YYYY-MM-DD>`. */
export class ApplyRetentionJob {
  static readonly jobName = 'ApplyRetentionJob';
  constructor(readonly data: OrgScopedJob) {}
}

/** Daily: enqueues one DeleteOrphanFilesJob per org. Job scheduler id = `orphan-files-sweep`. */
export class OrphanFilesSweepJob {
  static readonly jobName = 'OrphanFilesSweepJob';
  constructor(readonly data: Record<string, never> = {}) {}
}

/** Deletes one org's stored files that no attachment row names any more. Job id = `orphan-files-<orgId>-<YYYY-MM-DD>`. */
export class DeleteOrphanFilesJob {
  static readonly jobName = 'DeleteOrphanFilesJob';
  constructor(readonly data: OrgScopedJob) {}
}
