import { OrgScopedJob } from '../../infra/queue/queues';

/** Send one notification by email. Job id = `email-<notificationId>`. */
export class DeliverNotificationEmailJob {
  static readonly jobName = 'DeliverNotificationEmailJob';
  constructor(readonly data: OrgScopedJob & { notificationId: string }) {}
}

/** Send one notification to each of the member's push subscriptions. Job id = `push-<notificationId>`. */
export class DeliverNotificationPushJob {
  static readonly jobName = 'DeliverNotificationPushJob';
  constructor(readonly data: OrgScopedJob & { notificationId: string }) {}
}

/** Fires `transferTimeoutSeconds` after a transfer; alerts if the assignee has not replied. Job id = `transfer-timeout-<assignmentId>`. */
export class TransferTimeoutJob {
  static readonly jobName = 'TransferTimeoutJob';
  constructor(readonly data: OrgScopedJob & { assignmentId: string }) {}
}
