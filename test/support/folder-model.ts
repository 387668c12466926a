/**
 * An independent reference model of SPEC §3 (folders, "Acting on a conversation") and §4
 * (private conversations), written from the SPEC text only — it deliberately imports nothing
 * from src/ so test/folders-model.e2e-spec.ts checks the server against a second opinion.
 *
 * Readings of the SPEC where it is silent or ambiguous (each one is reported):
 *  R1 "the assignee's unit" (department / subordinates / done / trash / private sessions) is the
 *     unit recorded with the assignment, i.e. the assignee's unit at assignment time (§1 Conversation).
 *     A sender's unit for a private message is the sender's unit when sending.
 *  R2 done / trash sort by "assignment time": the start of the last assignment; a conversation
 *     that was never assigned uses the time it was created (it entered the inbox then).
 *  R3 Claiming a conversation that is no longer open+unassigned answers 409 to anyone who could
 *     have claimed it had it still been open and unassigned (§9: of two members claiming one
 *     conversation exactly one wins, the other gets 409 — even if it cannot read it any more).
 *     Otherwise the §3 order applies: unreadable 404; read-only or lacking conversation.claim 403;
 *     readable with write access and conversation.claim 409.
 *  R4 Assigning/transferring needs an open conversation (409 otherwise). When the conversation is
 *     closed AND the assignee is invalid, either 409 or 422 is accepted (the SPEC orders neither).
 *     Complete needs `open` (409 otherwise, also for trashed); reopen needs not-open; trash needs
 *     not-trashed; unassign needs an assignee.
 *  R5 Replies and notes are allowed on done/trashed conversations one has write access to and do
 *     not reopen them (only a customer message reopens, §1). Notes are not "agent replies": they
 *     never move the activity order. The `private_session_ended` system message is not private.
 *  R6 A member without inbox.access has no folders at all: every conversation is unreadable (404).
 *  R7 Assigning to the current assignee is never generated (the SPEC does not say what it means).
 *  R8 (routing, Part II) The home unit is the unit a conversation was transferred to, else the
 *     customer's bound unit, else the channel account's routing unit; an assignment to a member
 *     ends the transfer to a unit. Routing runs on a new or reopened conversation and on a transfer
 *     to a unit; a member who becomes available, or whose assignment ended, takes the oldest waiting
 *     conversations (by customer message time) homed in their unit when it routes, within their
 *     channel scope, each routed again by the whole rule. Round robin = the member whose latest
 *     assignment (of any kind) is oldest; least busy = fewest open assigned, then that; then by id.
 */
export const FOLDER_NAMES = [
  'unassigned', 'assigned', 'department', 'subordinates', 'bound', 'subordinate_bound',
  'previously_handled', 'private', 'done', 'trash', 'all',
] as const;
export type FolderName = (typeof FOLDER_NAMES)[number];
export type Status = 'open' | 'done' | 'trashed';
export type Access = 'none' | 'read' | 'write';

export interface MUnit { id: string; parentId: string | null }
export interface MMember { id: string; name: string; token: string; unitId: string; roleId: string; channels: string[] }
export interface MConv {
  id: string;
  customerId: string;
  channelId: string;
  status: Status;
  assigneeId: string | null;
  /** Unit recorded with the current assignment (R1). */
  assigneeUnitId: string | null;
  lastAssigneeId: string | null;
  lastAssigneeUnitId: string | null;
  boundUnitId: string | null;
  lastCustomerAt: number;
  lastReplyAt: number | null;
  /** done/trash sort key (R2). */
  assignedAt: number;
  /** Members whose assignment of this conversation has ended. */
  endedHolders: Set<string>;
  /** Units of members who sent private messages or held private sessions holding private messages. */
  privateUnits: Set<string>;
  /** The unit it was transferred to (R8). */
  transferUnitId: string | null;
}

export type RoutingMode = 'manual' | 'round_robin' | 'least_busy';
export type Presence = 'available' | 'away' | 'offline';

/** Sort keys: customer timestamps are real ms in the past; server events are far above any of them. */
export const SERVER_EPOCH = 1e15;

/** Which sort column each folder uses (SPEC §3 order column). */
const SORT: Record<FolderName, 'activity' | 'customer' | 'assignment'> = {
  unassigned: 'activity', assigned: 'activity', previously_handled: 'activity', private: 'activity', all: 'activity',
  department: 'customer', subordinates: 'customer', bound: 'customer', subordinate_bound: 'customer',
  done: 'assignment', trash: 'assignment',
};

export class FolderModel {
  units = new Map<string, MUnit>();
  roles = new Map<string, Set<string>>();
  members = new Map<string, MMember>();
  convs = new Map<string, MConv>();
  /** Routing (R8): unit modes (absent = manual), channel routing units, presence, role capacity. */
  routing = new Map<string, RoutingMode>();
  routingUnit = new Map<string, string | null>();
  presence = new Map<string, Presence>();
  capacity = new Map<string, number | null>();
  /** Member → server time of their latest assignment start. */
  lastAssigned = new Map<string, number>();
  private serverSeq = 0;

  /** The next server-clock instant: every server-stamped event happens strictly after the previous one. */
  serverNow(): number {
    return SERVER_EPOCH + ++this.serverSeq;
  }

  has(m: MMember, p: string): boolean {
    return this.roles.get(m.roleId)!.has(p);
  }

  // ---- the unit tree -------------------------------------------------------------------------
  /** x ∈ {U} ∪ descendants(U) */
  inSubtree(x: string | null, U: string): boolean {
    for (let u = x; u; u = this.units.get(u)!.parentId) if (u === U) return true;
    return false;
  }
  /** x ∈ descendants(U) */
  below(x: string | null, U: string): boolean {
    return x !== null && x !== U && this.inSubtree(x, U);
  }
  /** x ∈ {U} ∪ children(U) */
  selfOrChild(x: string | null, U: string): boolean {
    return x !== null && (x === U || this.units.get(x)!.parentId === U);
  }
  depth(u: string): number {
    let d = 0;
    for (let x: string | null = u; x; x = this.units.get(x)!.parentId) d++;
    return d;
  }

  // ---- SPEC §3 -------------------------------------------------------------------------------
  /** The folders v's role opens (R6; private also needs conversation.private.view). */
  available(m: MMember): FolderName[] {
    if (!this.has(m, 'inbox.access')) return [];
    return FOLDER_NAMES.filter((f) => this.has(m, `folder.${f}`) && (f !== 'private' || this.has(m, 'conversation.private.view')));
  }

  contains(f: FolderName, m: MMember, c: MConv): boolean {
    const U = m.unitId;
    const open = c.status === 'open';
    switch (f) {
      case 'unassigned': return open && !c.assigneeId && (this.home(c) === null || this.inSubtree(this.home(c), U));
      case 'assigned': return open && c.assigneeId === m.id;
      case 'department': return open && !!c.assigneeId && this.selfOrChild(c.assigneeUnitId, U);
      case 'subordinates': return open && !!c.assigneeId && this.below(c.assigneeUnitId, U);
      case 'bound': return c.status !== 'trashed' && c.boundUnitId === U;
      case 'subordinate_bound': return c.status !== 'trashed' && this.below(c.boundUnitId, U);
      case 'previously_handled': return c.endedHolders.has(m.id) && c.assigneeId !== m.id;
      case 'private': return [...c.privateUnits].some((p) => this.inSubtree(p, U));
      case 'done':
      case 'trash':
        return c.status === (f === 'done' ? 'done' : 'trashed') &&
          (this.inSubtree(c.lastAssigneeUnitId, U) || this.inSubtree(c.boundUnitId, U) || c.lastAssigneeId === m.id);
      case 'all': return true;
    }
  }

  inScope(m: MMember, channelId: string): boolean {
    return m.channels.length === 0 || m.channels.includes(channelId);
  }

  foldersOf(m: MMember, c: MConv): FolderName[] {
    if (!this.inScope(m, c.channelId)) return [];
    return this.available(m).filter((f) => this.contains(f, m, c));
  }

  access(m: MMember, c: MConv): Access {
    const fs = this.foldersOf(m, c);
    if (fs.length === 0) return 'none';
    return fs.some((f) => f !== 'previously_handled') ? 'write' : 'read';
  }

  sortKey(f: FolderName, c: MConv): number {
    switch (SORT[f]) {
      case 'activity': return Math.max(c.lastCustomerAt, c.lastReplyAt ?? -Infinity);
      case 'customer': return c.lastCustomerAt;
      case 'assignment': return c.assignedAt;
    }
  }

  /** A folder's listing for m, newest first, ties by id descending. */
  list(m: MMember, f: FolderName): string[] {
    return [...this.convs.values()]
      .filter((c) => this.inScope(m, c.channelId) && this.contains(f, m, c))
      .sort((a, b) => this.sortKey(f, b) - this.sortKey(f, a) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
      .map((c) => c.id);
  }

  /** An assignee must be an active member of the org with inbox.access and folder.assigned whose channel scope covers the conversation. */
  canBeAssigned(memberId: string, c: MConv): boolean {
    const m = this.members.get(memberId);
    return !!m && this.has(m, 'inbox.access') && this.has(m, 'folder.assigned') && this.inScope(m, c.channelId);
  }

  // ---- routing (R8) ----------------------------------------------------------------------------
  home(c: MConv): string | null {
    return c.transferUnitId ?? c.boundUnitId ?? this.routingUnit.get(c.channelId) ?? null;
  }

  openHeldBy(memberId: string): number {
    return [...this.convs.values()].filter((c) => c.status === 'open' && c.assigneeId === memberId).length;
  }

  underCapacity(m: MMember): boolean {
    const cap = this.capacity.get(m.roleId) ?? null;
    return cap === null || this.openHeldBy(m.id) < cap;
  }

  /** Routes a waiting conversation; returns the member it went to. */
  route(c: MConv): string | null {
    if (c.status !== 'open' || c.assigneeId) return null;
    const home = this.home(c);
    const mode = home ? (this.routing.get(home) ?? 'manual') : 'manual';
    if (!home || mode === 'manual') return null;
    const idle = (m: MMember) => this.lastAssigned.get(m.id) ?? 0;
    const byIdle = (a: MMember, b: MMember) => idle(a) - idle(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
    const candidates = [...this.members.values()]
      .filter((m) => m.unitId === home && this.canBeAssigned(m.id, c) && this.presence.get(m.id) === 'available' && this.underCapacity(m))
      .sort(mode === 'least_busy' ? (a, b) => this.openHeldBy(a.id) - this.openHeldBy(b.id) || byIdle(a, b) : byIdle);
    if (candidates.length === 0) return null;
    this.startAssignment(c, candidates[0].id);
    return candidates[0].id;
  }

  /** A member became available or their assignment ended: the oldest waiting conversations they could take, each routed again. */
  fill(memberId: string): void {
    const m = this.members.get(memberId);
    for (let round = 0; round < 10 && m; round++) {
      if (!this.has(m, 'inbox.access') || !this.has(m, 'folder.assigned') || this.presence.get(m.id) !== 'available' || !this.underCapacity(m)) return;
      if ((this.routing.get(m.unitId) ?? 'manual') === 'manual') return;
      const cap = this.capacity.get(m.roleId) ?? null;
      const room = cap === null ? 20 : Math.min(20, cap - this.openHeldBy(m.id));
      const waiting = [...this.convs.values()]
        .filter((c) => c.status === 'open' && !c.assigneeId && this.home(c) === m.unitId && this.inScope(m, c.channelId))
        .sort((a, b) => a.lastCustomerAt - b.lastCustomerAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
        .slice(0, room);
      let toMember = 0;
      for (const c of waiting) if (this.route(c) === m.id) toMember++;
      if (toMember === 0 || waiting.length < 20) return;
    }
  }

  // ---- SPEC §4 -------------------------------------------------------------------------------
  /** Whether a message written now is private, and the units it puts the conversation's private folder in. */
  privacy(c: MConv, sender: MMember | null): { private: boolean; units: string[] } {
    if (c.assigneeId) {
      const assignee = this.members.get(c.assigneeId)!;
      if (!this.has(assignee, 'conversation.private')) return { private: false, units: [] };
      return { private: true, units: sender ? [c.assigneeUnitId!, sender.unitId] : [c.assigneeUnitId!] };
    }
    if (sender && this.has(sender, 'conversation.private')) return { private: true, units: [sender.unitId] };
    return { private: false, units: [] };
  }

  // ---- state changes (applied only once the server accepted them) -----------------------------
  newConversation(id: string, customerId: string, channelId: string, ts: number): void {
    this.convs.set(id, {
      id, customerId, channelId, status: 'open', assigneeId: null, assigneeUnitId: null, lastAssigneeId: null,
      lastAssigneeUnitId: null, boundUnitId: null, lastCustomerAt: ts, lastReplyAt: null,
      assignedAt: this.serverNow(), endedHolders: new Set(), privateUnits: new Set(), transferUnitId: null,
    });
  }

  customerMessage(c: MConv, ts: number): void {
    if (c.status === 'open') this.privacy(c, null).units.forEach((u) => c.privateUnits.add(u));
    else c.status = 'open'; // reopens unassigned (its assignment already ended); the message is not private
    c.lastCustomerAt = Math.max(c.lastCustomerAt, ts);
  }

  endAssignment(c: MConv): void {
    if (!c.assigneeId) return;
    c.endedHolders.add(c.assigneeId);
    c.assigneeId = null;
    c.assigneeUnitId = null;
  }

  private startAssignment(c: MConv, memberId: string): void {
    this.endAssignment(c);
    const m = this.members.get(memberId)!;
    c.assigneeId = c.lastAssigneeId = m.id;
    c.assigneeUnitId = c.lastAssigneeUnitId = m.unitId;
    c.assignedAt = this.serverNow();
    this.lastAssigned.set(m.id, c.assignedAt);
  }

  /** Expected statuses of an action on conversation c by m (first = the success code when it is allowed). */
  expectAction(kind: ActionKind, m: MMember, c: MConv, targetId?: string): number[] {
    const acc = this.access(m, c);
    if (kind === 'claim' && (c.status !== 'open' || c.assigneeId)) {
      const asUnassigned: MConv = { ...c, status: 'open', assigneeId: null, assigneeUnitId: null };
      if (this.has(m, 'conversation.claim') && this.access(m, asUnassigned) === 'write') return [409]; // R3
      if (acc === 'none') return [404];
      if (acc === 'read' || !this.has(m, 'conversation.claim')) return [403];
      return [409];
    }
    if (acc === 'none') return [404];
    if (acc === 'read' || !this.has(m, ACTION_PERMISSION[kind])) return [403];
    switch (kind) {
      case 'claim': return [200];
      case 'transfer': return c.status === 'open' ? [200] : [409];
      case 'assign': {
        const valid = this.canBeAssigned(targetId!, c);
        if (c.status !== 'open') return valid ? [409] : [409, 422]; // R4
        return valid ? [200] : [422];
      }
      case 'complete': return c.status === 'open' ? [200] : [409];
      case 'reopen': return c.status !== 'open' ? [200] : [409];
      case 'trash': return c.status !== 'trashed' ? [200] : [409];
      case 'unassign': return c.assigneeId ? [200] : [409];
      case 'reply':
      case 'note': return [201];
    }
  }

  applyAction(kind: ActionKind, m: MMember, c: MConv, targetId?: string): void {
    switch (kind) {
      case 'claim': return this.startAssignment(c, m.id);
      case 'assign': c.transferUnitId = null; return this.startAssignment(c, targetId!);
      case 'transfer': this.endAssignment(c); c.transferUnitId = targetId!; this.route(c); return;
      case 'complete': this.endAssignment(c); c.status = 'done'; return;
      case 'trash': this.endAssignment(c); c.status = 'trashed'; return;
      case 'reopen': c.status = 'open'; return;
      case 'unassign': return this.endAssignment(c);
      case 'reply':
      case 'note': {
        this.privacy(c, m).units.forEach((u) => c.privateUnits.add(u));
        if (kind === 'reply') c.lastReplyAt = this.serverNow(); // R5: notes do not move the order
        return;
      }
    }
  }
}

export type ActionKind = 'claim' | 'assign' | 'transfer' | 'complete' | 'reopen' | 'trash' | 'unassign' | 'reply' | 'note';
export const ACTION_PERMISSION: Record<ActionKind, string> = {
  claim: 'conversation.claim', assign: 'conversation.assign', transfer: 'conversation.assign', complete: 'conversation.complete',
  reopen: 'conversation.complete', trash: 'conversation.trash', unassign: 'conversation.assign',
  reply: 'conversation.reply', note: 'conversation.note',
};

/** mulberry32: a tiny seeded PRNG, so every run of a seed replays the same operations. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
