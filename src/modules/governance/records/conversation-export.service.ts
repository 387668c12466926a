import { Injectable } from '@nestjs/common';
import { AccessPolicy } from '../../access/access.policy';
import { Permission } from '../../access/permissions';
import type { Viewer } from '../../access/viewer';
import { AuditService, csvLine } from '../../audit/audit.service';
import { ConversationDetail, ConversationReadService } from '../../conversations/conversation-read.service';
import { MessageView, presentMessage } from '../../conversations/message.presenter';
import { MessageRepository } from '../../conversations/message.repository';
import { UnitOfWork } from '../../events/unit-of-work';

/** Messages per query while building a transcript. */
export const EXPORT_PAGE = 100;

export interface Transcript {
  exportedAt: string;
  exportedById: string;
  conversation: ConversationDetail;
  messages: MessageView[];
}

/**
 * A conversation's transcript as the exporter sees it: the same reads as the inbox, so private
 * content is redacted and customer fields filtered and masked by the exporter's own permissions.
 * Unreadable → 404 before the permission → 403. Audited with the format and message count.
 */
@Injectable()
export class ConversationExportService {
  constructor(
    private readonly policy: AccessPolicy,
    private readonly reads: ConversationReadService,
    private readonly messages: MessageRepository,
    private readonly audit: AuditService,
    private readonly uow: UnitOfWork,
  ) {}

  async transcript(viewer: Viewer, id: string, format: 'json' | 'csv'): Promise<Transcript> {
    // The one readability check (404 before the permission's 403): the detail asks the AccessPolicy.
    const conversation = await this.reads.detail(viewer, id);
    this.policy.assertPermissions(viewer, [Permission.ConversationExport]);
    // Readable once is readable for the export: the pages below come straight from the repository,
    // presented (redacted) exactly as the inbox presents them to this viewer.
    const seesPrivate = this.policy.seesPrivateContent(viewer);
    const messages: MessageView[] = [];
    let before: { createdAt: string; id: string } | null = null;
    for (;;) {
      const rows = await this.messages.pageOf(viewer.orgId, id, EXPORT_PAGE, before);
      const page = rows.slice(0, EXPORT_PAGE);
      messages.push(...page.map((m) => presentMessage(m, seesPrivate)));
      if (rows.length <= EXPORT_PAGE) break;
      const last = page[page.length - 1];
      before = { createdAt: last.createdKey, id: last.id };
    }
    messages.reverse();
    await this.uow.run(() =>
      this.audit.record(viewer.orgId, { actorId: viewer.memberId, action: 'conversation.exported', targetType: 'conversation', targetId: id, after: { format, messages: messages.length } }),
    );
    return { exportedAt: new Date().toISOString(), exportedById: viewer.memberId, conversation, messages };
  }

  /** One line per message, oldest first; redacted text stays redacted. */
  *csv(t: Transcript): Generator<string> {
    yield csvLine(['messageId', 'createdAt', 'direction', 'kind', 'sender', 'senderMemberId', 'private', 'redacted', 'status', 'text', 'attachments']);
    for (const m of t.messages) {
      const files = m.attachments.map((a) => String(a.fileName ?? a.type ?? '')).join(' ');
      yield csvLine([m.id, m.createdAt, m.direction, m.kind, m.sender.type, m.sender.memberId ?? '', String(m.private), String(m.redacted), m.status ?? '', m.redacted ? '' : (m.text ?? ''), files]);
    }
  }
}
