import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Logger } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { Job, UnrecoverableError } from 'bullmq';
import { createTransport, Transporter } from 'nodemailer';
import { appConfig } from '../../infra/config/app.config';
import { QueueName } from '../../infra/queue/queues';
import { GrantExpiryJob, SendInvitationEmailJob } from './governance.jobs';
import { GrantsService } from './grants.service';
import { InvitationRepository } from './invitation.repository';
import { SelfServiceService } from './self-service.service';

/** Governance jobs; each is idempotent (a grant's expiry is recorded once, whatever runs it). */
@Processor(QueueName.Governance, { autorun: false, concurrency: 4 })
export class GovernanceProcessor extends WorkerHost {
  private readonly logger = new Logger('GovernanceProcessor');
  private mailer?: Transporter;

  constructor(
    private readonly grants: GrantsService,
    private readonly invitations: InvitationRepository,
    private readonly selfService: SelfServiceService,
    @Inject(appConfig.KEY) private readonly cfg: ConfigType<typeof appConfig>,
  ) {
    super();
  }

  @OnWorkerEvent('failed')
  onFailed(job: Job | undefined, error: Error): void {
    this.logger.warn(`${job?.name} ${job?.id} attempt ${job?.attemptsMade} failed: ${error.message}`);
  }

  async process(job: Job): Promise<void> {
    switch (job.name) {
      case GrantExpiryJob.jobName: {
        const { orgId, grantId } = job.data as GrantExpiryJob['data'];
        // Early by clock skew between this process and the database: fail, BullMQ retries shortly.
        if (!(await this.grants.recordExpiry(orgId, grantId))) throw new Error(`grant ${grantId} has not expired yet`);
        return;
      }
      case SendInvitationEmailJob.jobName:
        return this.sendInvitation(job.data as SendInvitationEmailJob['data']);
      default:
        throw new UnrecoverableError(`unknown job ${job.name}`);
    }
  }

  /** At least once: a retry after a send whose acknowledgement was lost sends the same link again. */
  private async sendInvitation({ orgId, invitationId }: SendInvitationEmailJob['data']): Promise<void> {
    const inv = await this.invitations.find(orgId, invitationId);
    if (!inv || inv.accepted_at) return;
    if (!this.cfg.smtp.url) {
      this.logger.warn(`invitation ${invitationId}: SMTP_URL is not set, no email sent (an org.manage holder gets the link from POST /api/v1/invitations/:id/resend)`);
      return;
    }
    this.mailer ??= createTransport(this.cfg.smtp.url);
    const link = this.selfService.invitationLink(invitationId);
    await this.mailer.sendMail({
      from: this.cfg.smtp.from,
      to: inv.email,
      subject: 'You are invited to OmniInbox / 邀請您加入 OmniInbox',
      text: `You have been invited to join your team's inbox.\n您已受邀加入團隊的訊息中心。\n\n${link}\n\nThe link works once and expires on ${new Date(inv.expires_at).toISOString()}.\n`,
    });
  }
}
