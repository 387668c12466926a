import { Injectable } from '@nestjs/common';
import { AccessPolicy } from '../../access/access.policy';
import { Permission } from '../../access/permissions';
import type { Viewer } from '../../access/viewer';
import { AuditService, csvLine } from '../../audit/audit.service';
import { ConversationDetail, ConversationReadService } from '../../conversations/conversation-read.service';
import type { MessageView } from '../../conversations/message.presenter';
import { UnitOfWork } from '../../events/unit-of-work';

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
    private readonly audit: AuditService,
    private readonly uow: UnitOfWork,
  ) {}

  async transcript(viewer: Viewer, id: string, format: 'json' | 'csv'): Promise<Transcript> {
    await this.policy.requireReadable(viewer, id);
    this.policy.assertPermissions(viewer, [Permission.ConversationExport]);
    const conversation = await this.reads.detail(viewer, id);
    const messages: MessageView[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.reads.messagesOf(viewer, id, 100, cursor);
      messages.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
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
