import { BadRequestException, UnprocessableEntityException } from '@nestjs/common';
import { Permission } from '../access/permissions';
import { effectiveNotifications, validateNotifications } from './role-notifications';

const agent = new Set<string>([Permission.InboxAccess, Permission.FolderBound, Permission.FolderDepartment]);
const noBinding = new Set<string>([Permission.InboxAccess]);

describe('role notification settings', () => {
  it("defaults to ['web'] for every event the role can receive", () => {
    expect(effectiveNotifications(agent, {})).toEqual({
      'customer.bound': ['web'],
      'conversation.transfer_timeout': ['web'],
      mention: ['web'],
    });
    expect(effectiveNotifications(noBinding, { 'customer.bound': ['email'] })).toEqual({ mention: ['web'] });
  });

  it('refuses binding notifications for a role without a binding folder (seed 003 §6)', () => {
    expect(() => validateNotifications({ 'customer.bound': ['web'] }, noBinding)).toThrow(UnprocessableEntityException);
    expect(validateNotifications({ 'customer.bound': [] }, noBinding)).toEqual({ 'customer.bound': [] });
    expect(validateNotifications({ 'customer.bound': ['email', 'email', 'push'] }, agent)).toEqual({ 'customer.bound': ['email', 'push'] });
  });

  it('rejects unknown event types and channels with 400', () => {
    expect(() => validateNotifications({ nope: ['web'] }, agent)).toThrow(BadRequestException);
    expect(() => validateNotifications({ mention: ['sms'] }, agent)).toThrow(BadRequestException);
  });
});
