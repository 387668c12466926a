import { ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { ConversationFactsRepository } from './conversation-facts.repository';
import {
  accessFromFolders,
  availableFolders,
  ConversationAccess,
  ConversationFacts,
  foldersOf,
  inSubtree,
  withinChannelScope,
} from './folder-rules';
import { Folder, Permission } from './permissions';
import type { Viewer } from './viewer';

export interface ConversationGrant {
  id: string;
  facts: ConversationFacts;
  folders: Folder[];
  access: ConversationAccess;
}

/**
 * The one place that decides who may see and do what. REST guards, services, folder
 * listings and socket fan-out all ask it; nothing else encodes a visibility rule.
 */
@Injectable()
export class AccessPolicy {
  constructor(private readonly facts: ConversationFactsRepository) {}

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

  /** Of many conversation ids, those this viewer may read (one query whatever the count). */
  async readableIds(viewer: Viewer, ids: readonly string[]): Promise<Set<string>> {
    const facts = await this.facts.load(viewer.orgId, ids);
    const out = new Set<string>();
    for (const [id, f] of facts) if (foldersOf(viewer, f).length > 0) out.add(id);
    return out;
  }

  /** Of many viewers, those who may read one conversation: the socket audience. */
  readers(viewers: readonly Viewer[], conversation: ConversationFacts): Viewer[] {
    return viewers.filter((v) => foldersOf(v, conversation).length > 0);
  }

  /** A conversation the viewer can read, or 404 (never 403: no existence leak). */
  async requireReadable(viewer: Viewer, id: string): Promise<ConversationGrant> {
    const facts = (await this.facts.load(viewer.orgId, [id])).get(id);
    const folders = facts ? foldersOf(viewer, facts) : [];
    if (!facts || folders.length === 0) throw new NotFoundException('Conversation not found');
    return { id, facts, folders, access: accessFromFolders(folders) };
  }

  /**
   * Acting on a conversation (SPEC §3): unreadable → 404; readable only through
   * previously_handled → 403 read-only; lacking the action's permission → 403.
   */
  async requireAction(viewer: Viewer, id: string, permission: Permission): Promise<ConversationGrant> {
    const grant = await this.requireReadable(viewer, id);
    if (grant.access !== 'write') {
      throw new ForbiddenException('This conversation is read-only for you (previously handled): you can read it but not act on it');
    }
    this.assertPermissions(viewer, [permission]);
    return grant;
  }

  /**
   * Whether the viewer could have claimed this conversation had it still been open and
   * unassigned: the loser of a claim race gets 409, a stranger still gets 404.
   */
  async couldClaim(viewer: Viewer, id: string): Promise<boolean> {
    const facts = (await this.facts.load(viewer.orgId, [id])).get(id);
    if (!facts) return false;
    const asUnassigned: ConversationFacts = { ...facts, status: 'open', assigneeId: null, assigneeUnitPath: null };
    return accessFromFolders(foldersOf(viewer, asUnassigned)) === 'write' && viewer.permissions.has(Permission.ConversationClaim);
  }

  /**
   * Whether a member may hold a conversation (manual or routed): active (a loaded Viewer is), inbox
   * access, `folder.assigned` (a holder must be able to read what they hold), channel scope covering it.
   */
  canBeAssigned(candidate: Viewer | null, conversation: Pick<ConversationFacts, 'channelAccountId'>): boolean {
    return !!candidate && this.canHold(candidate, conversation.channelAccountId);
  }

  canHold(candidate: Viewer, channelAccountId: string): boolean {
    return this.canHoldAny(candidate) && withinChannelScope(candidate, channelAccountId);
  }

  /** Eligible to hold conversations at all, whatever their channel. */
  canHoldAny(candidate: Viewer): boolean {
    return candidate.permissions.has(Permission.InboxAccess) && candidate.permissions.has(Permission.FolderAssigned);
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
