import { ForbiddenException, Injectable } from '@nestjs/common';
import {
  accessFromFolders,
  availableFolders,
  ConversationAccess,
  ConversationFacts,
  foldersOf,
  inSubtree,
} from './folder-rules';
import { Folder, Permission } from './permissions';
import type { Viewer } from './viewer';

/**
 * The one place that decides who may see and do what. REST guards, services, folder
 * listings and socket fan-out all ask it; nothing else encodes a visibility rule.
 */
@Injectable()
export class AccessPolicy {
  has(viewer: Viewer, permission: Permission): boolean {
    return viewer.permissions.has(permission);
  }

  assertPermissions(viewer: Viewer, permissions: readonly Permission[]): void {
    const missing = permissions.filter((p) => !viewer.permissions.has(p));
    if (missing.length > 0) throw new ForbiddenException(`Missing permission: ${missing.join(', ')}`);
  }

  /** The folders the viewer's role opens (GET /me, GET /folders). */
  folders(viewer: Viewer): Folder[] {
    return availableFolders(viewer);
  }

  /** The viewer's folders holding this conversation; empty = unreadable (answer 404). */
  foldersOf(viewer: Viewer, conversation: ConversationFacts): Folder[] {
    return foldersOf(viewer, conversation);
  }

  conversationAccess(viewer: Viewer, conversation: ConversationFacts): ConversationAccess {
    return accessFromFolders(foldersOf(viewer, conversation));
  }

  /** Of many (id, facts) pairs, the ids this viewer may read: bulk endpoints and fan-out share it. */
  readableIds(viewer: Viewer, conversations: ReadonlyMap<string, ConversationFacts>): Set<string> {
    const ids = new Set<string>();
    for (const [id, facts] of conversations) if (foldersOf(viewer, facts).length > 0) ids.add(id);
    return ids;
  }

  /** Of many viewers, those who may read one conversation: the socket audience. */
  readers(viewers: readonly Viewer[], conversation: ConversationFacts): Viewer[] {
    return viewers.filter((v) => foldersOf(v, conversation).length > 0);
  }

  /** SPEC §4: private content is readable only with conversation.private.view; everyone else gets it redacted. */
  seesPrivateContent(viewer: Viewer): boolean {
    return viewer.permissions.has(Permission.ConversationPrivateView);
  }

  /** Binding links and similar unit-scoped actions: the viewer's own unit or below. */
  coversUnit(viewer: Viewer, unitPath: string): boolean {
    return inSubtree(unitPath, viewer.unitPath);
  }
}
