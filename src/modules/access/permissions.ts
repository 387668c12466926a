/** The permission catalog (SPEC §2). A role holds any subset. */
export enum Permission {
  InboxAccess = 'inbox.access',
  FolderUnassigned = 'folder.unassigned',
  FolderAssigned = 'folder.assigned',
  FolderDepartment = 'folder.department',
  FolderSubordinates = 'folder.subordinates',
  FolderBound = 'folder.bound',
  FolderSubordinateBound = 'folder.subordinate_bound',
  FolderPreviouslyHandled = 'folder.previously_handled',
  FolderPrivate = 'folder.private',
  FolderDone = 'folder.done',
  FolderTrash = 'folder.trash',
  FolderAll = 'folder.all',
  ConversationReply = 'conversation.reply',
  ConversationNote = 'conversation.note',
  ConversationClaim = 'conversation.claim',
  ConversationAssign = 'conversation.assign',
  ConversationComplete = 'conversation.complete',
  ConversationTrash = 'conversation.trash',
  ConversationPrivate = 'conversation.private',
  ConversationPrivateView = 'conversation.private.view',
  CustomerProfileView = 'customer.profile.view',
  CustomerProfileEdit = 'customer.profile.edit',
  CustomerTagsView = 'customer.tags.view',
  CustomerTagsEdit = 'customer.tags.edit',
  CustomerSensitiveView = 'customer.sensitive.view',
  BindingLink = 'binding.link',
  BindingManage = 'binding.manage',
  OrgManage = 'org.manage',
  AuditView = 'audit.view',
  AuditExport = 'audit.export',
  GrantIssue = 'grant.issue',
  ConversationExport = 'conversation.export',
  CustomerDelete = 'customer.delete',
  CannedManage = 'canned.manage',
  ReportView = 'report.view',
  ReportExport = 'report.export',
  FeatureChatbot = 'feature.chatbot',
  FeatureBroadcast = 'feature.broadcast',
  FeatureAppMarket = 'feature.app_market',
}

export const ALL_PERMISSIONS: readonly Permission[] = Object.values(Permission);

export interface PermissionInfo {
  key: Permission;
  group: 'inbox' | 'folder' | 'conversation' | 'customer' | 'binding' | 'admin' | 'feature';
  description: string;
}

const describe: Record<Permission, [PermissionInfo['group'], string]> = {
  [Permission.InboxAccess]: ['inbox', 'The message center (訊息中心) at all'],
  [Permission.FolderUnassigned]: ['folder', 'Unassigned: open, no assignee, customer unbound or bound within my unit or below'],
  [Permission.FolderAssigned]: ['folder', 'Assigned (被指派): open conversations assigned to me'],
  [Permission.FolderDepartment]: ['folder', "Department (部門): open, assignee's unit is mine or a direct child"],
  [Permission.FolderSubordinates]: ['folder', "Subordinates (下屬): open, assignee's unit is below mine"],
  [Permission.FolderBound]: ['folder', 'Bound customers (綁定客戶): customers bound to my unit'],
  [Permission.FolderSubordinateBound]: ['folder', 'Subordinate-bound (下屬綁定客戶): customers bound to units below mine'],
  [Permission.FolderPreviouslyHandled]: ['folder', 'Previously handled (曾經對話): conversations I once held; read-only'],
  [Permission.FolderPrivate]: ['folder', 'Private (私密對話): private sessions of my unit or below'],
  [Permission.FolderDone]: ['folder', 'Done (完成)'],
  [Permission.FolderTrash]: ['folder', 'Trash (垃圾夾)'],
  [Permission.FolderAll]: ['folder', 'All conversations of the organisation'],
  [Permission.ConversationReply]: ['conversation', 'Send messages to the customer'],
  [Permission.ConversationNote]: ['conversation', 'Internal notes with @mentions'],
  [Permission.ConversationClaim]: ['conversation', 'Assign an unassigned conversation to oneself'],
  [Permission.ConversationAssign]: ['conversation', 'Assign or transfer to another member'],
  [Permission.ConversationComplete]: ['conversation', 'Complete and reopen'],
  [Permission.ConversationTrash]: ['conversation', 'Move to trash'],
  [Permission.ConversationPrivate]: ['conversation', "Messages in this member's conversations become private"],
  [Permission.ConversationPrivateView]: ['conversation', 'Read private content'],
  [Permission.CustomerProfileView]: ['customer', 'See customer profile fields'],
  [Permission.CustomerProfileEdit]: ['customer', 'Edit customer profile fields'],
  [Permission.CustomerTagsView]: ['customer', 'See customer tags'],
  [Permission.CustomerTagsEdit]: ['customer', 'Edit customer tags'],
  [Permission.CustomerSensitiveView]: ['customer', 'Unmasked phone, ID number and bank card (every read audited)'],
  [Permission.BindingLink]: ['binding', 'Create binding QR codes and links for my unit or below'],
  [Permission.BindingManage]: ['binding', 'Bind, transfer or unbind any customer'],
  [Permission.OrgManage]: ['admin', 'Units, roles, members, channel accounts and settings (權限管理)'],
  [Permission.AuditView]: ['admin', 'Read the audit log'],
  [Permission.AuditExport]: ['admin', 'Export the audit log as CSV'],
  [Permission.GrantIssue]: ['admin', 'Grant my own permissions to members of my unit or below for a limited time, and decide access requests'],
  [Permission.ConversationExport]: ['conversation', 'Export a conversation transcript'],
  [Permission.CustomerDelete]: ['customer', "Erase a customer: profile, messages, attachments and bindings (irreversible)"],
  [Permission.CannedManage]: ['conversation', 'Create, edit and delete canned responses for my unit or below (org-wide ones also need org.manage)'],
  [Permission.ReportView]: ['admin', 'Reports (conversations, response and resolution times, transfers) for my unit and the units below it'],
  [Permission.ReportExport]: ['admin', 'Export reports as CSV (every export audited)'],
  [Permission.FeatureChatbot]: ['feature', 'Chatbot menu'],
  [Permission.FeatureBroadcast]: ['feature', 'Broadcast menu'],
  [Permission.FeatureAppMarket]: ['feature', 'App market menu'],
};

export const PERMISSION_CATALOG: readonly PermissionInfo[] = ALL_PERMISSIONS.map((key) => ({
  key,
  group: describe[key][0],
  description: describe[key][1],
}));

export function isPermission(value: unknown): value is Permission {
  return typeof value === 'string' && (ALL_PERMISSIONS as readonly string[]).includes(value);
}

/** The eleven folders of SPEC §3, in the order a client shows them. */
export const FOLDERS = [
  'unassigned',
  'assigned',
  'department',
  'subordinates',
  'bound',
  'subordinate_bound',
  'previously_handled',
  'private',
  'done',
  'trash',
  'all',
] as const;
export type Folder = (typeof FOLDERS)[number];

export const FOLDER_PERMISSION: Record<Folder, Permission> = {
  unassigned: Permission.FolderUnassigned,
  assigned: Permission.FolderAssigned,
  department: Permission.FolderDepartment,
  subordinates: Permission.FolderSubordinates,
  bound: Permission.FolderBound,
  subordinate_bound: Permission.FolderSubordinateBound,
  previously_handled: Permission.FolderPreviouslyHandled,
  private: Permission.FolderPrivate,
  done: Permission.FolderDone,
  trash: Permission.FolderTrash,
  all: Permission.FolderAll,
};

export const NOTIFICATION_EVENT_TYPES = ['customer.bound', 'conversation.transfer_timeout', 'mention', 'access_request'] as const;
export type NotificationEventType = (typeof NOTIFICATION_EVENT_TYPES)[number];
export const NOTIFICATION_CHANNELS = ['web', 'email', 'push'] as const;
export type NotificationChannel = (typeof NOTIFICATION_CHANNELS)[number];

/** Built-in roles created with every org. Administrator always holds the whole catalog. */
export const BUILTIN_ROLE_PERMISSIONS: Record<'administrator' | 'supervisor' | 'agent', readonly Permission[]> = {
  administrator: ALL_PERMISSIONS,
  supervisor: [
    Permission.InboxAccess,
    Permission.FolderUnassigned,
    Permission.FolderAssigned,
    Permission.FolderDepartment,
    Permission.FolderSubordinates,
    Permission.FolderBound,
    Permission.FolderSubordinateBound,
    Permission.FolderPreviouslyHandled,
    Permission.FolderPrivate,
    Permission.FolderDone,
    Permission.FolderTrash,
    Permission.ConversationReply,
    Permission.ConversationNote,
    Permission.ConversationClaim,
    Permission.ConversationAssign,
    Permission.ConversationComplete,
    Permission.ConversationTrash,
    Permission.ConversationPrivateView,
    Permission.CustomerProfileView,
    Permission.CustomerProfileEdit,
    Permission.CustomerTagsView,
    Permission.CustomerTagsEdit,
    Permission.BindingLink,
    Permission.AuditView,
    Permission.GrantIssue,
    Permission.ReportView,
  ],
  agent: [
    Permission.InboxAccess,
    Permission.FolderUnassigned,
    Permission.FolderAssigned,
    Permission.FolderDepartment,
    Permission.FolderBound,
    Permission.FolderPreviouslyHandled,
    Permission.FolderDone,
    Permission.ConversationReply,
    Permission.ConversationNote,
    Permission.ConversationClaim,
    Permission.ConversationComplete,
    Permission.CustomerProfileView,
    Permission.CustomerTagsView,
    Permission.CustomerTagsEdit,
    Permission.BindingLink,
  ],
};
