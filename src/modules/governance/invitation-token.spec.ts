import { randomUUID } from 'crypto';
import { invitationToken, verifyInvitationToken } from './invitation-token';

describe('invitation tokens', () => {
  const id = randomUUID();

  it('names its invitation', () => {
    expect(verifyInvitationToken('s3cret', invitationToken('s3cret', id))).toBe(id);
  });

  it('refuses a token signed with another secret, a changed id or garbage', () => {
    expect(verifyInvitationToken('other', invitationToken('s3cret', id))).toBeNull();
    const [, sig] = invitationToken('s3cret', id).split('.');
    expect(verifyInvitationToken('s3cret', `${randomUUID()}.${sig}`)).toBeNull();
    expect(verifyInvitationToken('s3cret', id)).toBeNull();
    expect(verifyInvitationToken('s3cret', '../../etc/passwd')).toBeNull();
  });
});
