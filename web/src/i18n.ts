import { createContext, useContext } from 'react';
import { extraMessages } from './messages';

export type Lang = 'zh-TW' | 'en';

const en = {
  appName: 'OmniInbox',
  email: 'Email',
  password: 'Password',
  login: 'Log in',
  logout: 'Log out',
  loginFailed: 'Email or password is wrong',
  language: 'Language',
  folders: 'Folders',
  conversations: 'Conversations',
  loadMore: 'Load more',
  empty: 'Nothing here',
  selectConversation: 'Select a conversation',
  private: 'private',
  reply: 'Reply',
  note: 'Note',
  send: 'Send',
  addNote: 'Add note',
  replyPlaceholder: 'Write a reply to the customer',
  notePlaceholder: 'Internal note (members only)',
  claim: 'Claim',
  assign: 'Assign / transfer',
  complete: 'Complete',
  reopen: 'Reopen',
  trash: 'Trash',
  assignTo: 'Assign to',
  assignNote: 'Note for the assignee',
  confirm: 'Confirm',
  cancel: 'Cancel',
  customer: 'Customer',
  notifications: 'Notifications',
  unread: 'unread',
  noNotifications: 'No notifications',
  markRead: 'Mark read',
  readOnly: 'Read only',
  gone: 'This conversation is no longer visible to you',
  assignee: 'Assignee',
  unassigned: 'Unassigned',
  status: 'Status',
  back: 'Back',
  noteLabel: 'Note',
  tags: 'Tags',
  masked: 'hidden',
  'status.open': 'Open',
  'status.done': 'Done',
  'status.trashed': 'Trashed',
  'delivery.queued': 'queued',
  'delivery.sent': 'sent',
  'delivery.delivered': 'delivered',
  'delivery.read': 'read',
  'delivery.failed': 'failed',
  'folder.unassigned': 'Unassigned',
  'folder.assigned': 'Assigned to me',
  'folder.department': 'My unit',
  'folder.subordinates': 'Subordinate units',
  'folder.bound': 'Bound customers',
  'folder.subordinate_bound': 'Subordinates’ bound',
  'folder.previously_handled': 'Previously handled',
  'folder.private': 'Private',
  'folder.done': 'Done',
  'folder.trash': 'Trash',
  'folder.all': 'All',
} as const;

export type MessageKey = keyof typeof en;

const zh: Record<MessageKey, string> = {
  appName: 'OmniInbox 客服中心',
  email: '電子郵件',
  password: '密碼',
  login: '登入',
  logout: '登出',
  loginFailed: '電子郵件或密碼錯誤',
  language: '語言',
  folders: '資料夾',
  conversations: '對話',
  loadMore: '載入更多',
  empty: '沒有對話',
  selectConversation: '請選擇一則對話',
  private: '對話已加密',
  reply: '回覆',
  note: '備註',
  send: '送出',
  addNote: '新增備註',
  replyPlaceholder: '輸入要回覆客戶的訊息',
  notePlaceholder: '內部備註(僅成員可見)',
  claim: '認領',
  assign: '指派/轉移',
  complete: '完成',
  reopen: '重新開啟',
  trash: '移至垃圾桶',
  assignTo: '指派給',
  assignNote: '給負責人的備註',
  confirm: '確認',
  cancel: '取消',
  customer: '客戶',
  notifications: '通知',
  unread: '未讀',
  noNotifications: '沒有通知',
  markRead: '標為已讀',
  readOnly: '唯讀',
  gone: '你已無法查看這則對話',
  assignee: '負責人',
  unassigned: '未指派',
  status: '狀態',
  back: '返回',
  noteLabel: '備註',
  tags: '標籤',
  masked: '已隱藏',
  'status.open': '處理中',
  'status.done': '已完成',
  'status.trashed': '已刪除',
  'delivery.queued': '排隊中',
  'delivery.sent': '已送出',
  'delivery.delivered': '已送達',
  'delivery.read': '已讀',
  'delivery.failed': '傳送失敗',
  'folder.unassigned': '未指派',
  'folder.assigned': '指派給我',
  'folder.department': '本部門',
  'folder.subordinates': '下屬部門',
  'folder.bound': '綁定客戶',
  'folder.subordinate_bound': '下屬綁定客戶',
  'folder.previously_handled': '曾經處理',
  'folder.private': '私密對話',
  'folder.done': '已完成',
  'folder.trash': '垃圾桶',
  'folder.all': '全部',
};

const dictionaries: Record<Lang, Record<MessageKey, string>> = { en, 'zh-TW': zh };

export type Translate = (key: MessageKey | string) => string;

/** Core words plus each page's own (web/src/messages.ts lists them), page words winning none. */
export function translator(lang: Lang): Translate {
  const d: Record<string, string> = Object.assign({}, ...extraMessages.map((m) => (lang === 'en' ? m.en : m.zh)), dictionaries[lang]);
  return (key) => d[key] ?? key;
}

export const LANG_KEY = 'omni.lang';
export const initialLang = (): Lang => (localStorage.getItem(LANG_KEY) === 'en' ? 'en' : 'zh-TW');

export const I18n = createContext<{ t: Translate; lang: Lang; tz: string }>({ t: translator('zh-TW'), lang: 'zh-TW', tz: 'Asia/Taipei' });
export const useI18n = () => useContext(I18n);

/** A date and time in the organisation's time zone (GET /api/v1/org settings.timezone). */
export function formatTime(iso: string | null | undefined, lang: Lang, tz: string): string {
  if (!iso) return '';
  return new Intl.DateTimeFormat(lang, { timeZone: tz, month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false }).format(new Date(iso));
}
