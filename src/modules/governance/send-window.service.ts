import { ForbiddenException, Injectable } from '@nestjs/common';
import type { Viewer } from '../access/viewer';
import { describeSendWindow, withinSendWindow } from './send-window';
import { SendWindowRepository } from './send-window.repository';

/** The send-window rule, once: replies (never notes) outside the role's window → 403 naming it. */
@Injectable()
export class SendWindowService {
  constructor(private readonly windows: SendWindowRepository) {}

  async assertOpen(viewer: Viewer, at = new Date()): Promise<void> {
    const { window, timezone } = await this.windows.forRole(viewer.orgId, viewer.roleId);
    if (window && !withinSendWindow(window, timezone, at)) {
      throw new ForbiddenException(`Your role may send replies only ${describeSendWindow(window, timezone)}; internal notes are still allowed`);
    }
  }
}
