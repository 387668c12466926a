import { Injectable } from '@nestjs/common';
import { AccessPolicy } from '../access/access.policy';
import type { Viewer } from '../access/viewer';
import { ConversationSummary, presentSummary, SummarySource } from './conversation.presenter';
import { presentMessage } from './message.presenter';
import { MessageRepository } from './message.repository';

/** Turns conversation rows into per-viewer summaries: one extra query for all last messages. */
@Injectable()
export class ConversationSummariesService {
  constructor(
    private readonly messages: MessageRepository,
    private readonly policy: AccessPolicy,
  ) {}

  async present(viewer: Viewer, rows: readonly (SummarySource & { lastMessageId: string | null })[]): Promise<ConversationSummary[]> {
    const ids = rows.map((r) => r.lastMessageId).filter((id): id is string => !!id);
    const last = await this.messages.findManyById(viewer.orgId, ids);
    const byId = new Map(last.map((m) => [m.id, m]));
    const seesPrivate = this.policy.seesPrivateContent(viewer);
    return rows.map((r) => {
      const m = r.lastMessageId ? byId.get(r.lastMessageId) : undefined;
      return presentSummary(r, m ? presentMessage(m, seesPrivate) : null);
    });
  }
}
