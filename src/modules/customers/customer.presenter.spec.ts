import { Permission } from '../access/permissions';
import { CustomerEntity } from './customer.entity';
import { mask, presentCustomer } from './customer.presenter';

const customer = {
  id: 'c1',
  orgId: 'o',
  channelAccountId: 'a',
  externalId: 'U1',
  displayName: 'Sheena',
  profile: { name: 'Sheena Nelson', phone: '0912345678', idNumber: 'A123456789', bankCard: '4111111111111111', note: 'VIP' },
  tags: ['台中北屯門市'],
  boundUnitId: 'u1',
  boundMemberId: null,
  followed: true,
  createdAt: new Date(),
  updatedAt: new Date(),
} as CustomerEntity;

const viewer = (...perms: Permission[]) => ({ permissions: new Set(perms) });

describe('presentCustomer (field permissions)', () => {
  it('leaves profile and tags out entirely without their view permissions', () => {
    const v = presentCustomer(customer, viewer());
    expect(v).not.toHaveProperty('profile');
    expect(v).not.toHaveProperty('tags');
    expect(JSON.stringify(v)).not.toContain('0912345678');
  });

  it('masks sensitive fields without customer.sensitive.view, even when reveal is asked', () => {
    const v = presentCustomer(customer, viewer(Permission.CustomerProfileView, Permission.CustomerTagsView), { reveal: true });
    expect(v.profile).toMatchObject({ name: 'Sheena Nelson', phone: '******5678', idNumber: '******6789', bankCard: '************1111', note: 'VIP' });
    expect(v.masked).toEqual(['phone', 'idNumber', 'bankCard']);
    expect(v.tags).toEqual(['台中北屯門市']);
  });

  it('masks by default and unmasks on reveal with customer.sensitive.view', () => {
    const p = viewer(Permission.CustomerProfileView, Permission.CustomerSensitiveView);
    expect(presentCustomer(customer, p).profile!.phone).toBe('******5678');
    const revealed = presentCustomer(customer, p, { reveal: true });
    expect(revealed.profile).toMatchObject({ phone: '0912345678', idNumber: 'A123456789' });
    expect(revealed.masked).toEqual([]);
  });

  it('masks short values too', () => {
    expect(mask('1234')).toBe('**34');
    expect(mask('12')).toBe('**');
  });
});
