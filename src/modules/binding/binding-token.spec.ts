import { bindingConfirmation, bindingPostback, bindingText, findBindingToken, newBindingToken } from './binding-token';

describe('binding tokens', () => {
  it('are found in the text a customer sends and in postbacks', () => {
    const token = newBindingToken();
    expect(token).toMatch(/^OMNI-[0-9A-HJKMNP-TV-Z]{12}$/);
    expect(findBindingToken(bindingText(token, '台中北屯門市'))).toBe(token);
    expect(findBindingToken(bindingPostback(token))).toBe(token);
    expect(findBindingToken(`hello ${token.toLowerCase()} thanks`)).toBe(token);
  });

  it('ignores texts without a token', () => {
    expect(findBindingToken('我要綁定')).toBeNull();
    expect(findBindingToken('OMNI-123')).toBeNull();
    expect(findBindingToken('omni-bind=garbage')).toBeNull();
    expect(findBindingToken(null)).toBeNull();
  });

  it('confirms with the seed’s wording', () => {
    expect(bindingConfirmation('台中北屯門市')).toBe('您好,已成功與「台中北屯門市」綁定,謝謝');
  });
});
