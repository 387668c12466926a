import { Permission } from '../access/permissions';
import type { Viewer } from '../access/viewer';
import { CustomerEntity, CustomerProfile, SENSITIVE_PROFILE_FIELDS } from './customer.entity';

export interface CustomerView {
  id: string;
  displayName: string;
  channelAccountId: string;
  boundUnitId: string | null;
  boundMemberId: string | null;
  followed: boolean;
  /** The provider's profile picture (`/api/v1/attachments/:id`), or null. */
  avatarUrl: string | null;
  profile?: CustomerProfile;
  /** Which profile fields are masked in this payload. */
  masked?: string[];
  tags?: string[];
}

/** Keeps the last 4 characters: `0912345678` → `******5678`. */
export function mask(value: string): string {
  const visible = value.length > 6 ? 4 : Math.min(2, Math.max(0, value.length - 2));
  return '*'.repeat(value.length - visible) + value.slice(value.length - visible);
}

const PROFILE_FIELDS: (keyof CustomerProfile)[] = ['name', 'phone', 'email', 'birthday', 'idNumber', 'bankCard', 'note', 'custom'];

/**
 * Field permissions (SPEC §2): profile and tags are absent without their view permission;
 * sensitive fields are masked unless the viewer holds customer.sensitive.view AND asked to
 * reveal them (each reveal is audited by the caller).
 */
export function presentCustomer(c: CustomerEntity, viewer: Pick<Viewer, 'permissions'>, opts: { reveal?: boolean } = {}): CustomerView {
  const p = viewer.permissions;
  const view: CustomerView = {
    id: c.id,
    displayName: c.displayName,
    channelAccountId: c.channelAccountId,
    boundUnitId: c.boundUnitId,
    boundMemberId: c.boundMemberId,
    followed: c.followed,
    avatarUrl: c.avatarAttachmentId ? `/api/v1/attachments/${c.avatarAttachmentId}` : null,
  };
  if (p.has(Permission.CustomerProfileView)) {
    const reveal = !!opts.reveal && p.has(Permission.CustomerSensitiveView);
    const profile: CustomerProfile = {};
    const masked: string[] = [];
    for (const f of PROFILE_FIELDS) {
      const v = c.profile?.[f] ?? null;
      if ((SENSITIVE_PROFILE_FIELDS as readonly string[]).includes(f) && typeof v === 'string' && v && !reveal) {
        (profile as Record<string, unknown>)[f] = mask(v);
        masked.push(f);
      } else {
        (profile as Record<string, unknown>)[f] = v;
      }
    }
    view.profile = profile;
    view.masked = masked;
  }
  if (p.has(Permission.CustomerTagsView)) view.tags = [...c.tags];
  return view;
}
