import { likePattern } from './search.sql';
import { snippet } from './snippet';

describe('search snippet', () => {
  it('keeps the match with context on both sides, marking cuts', () => {
    const text = '您好,想請問一下台中北屯門市週末幾點開門?我住在北屯區附近,想過去取貨,謝謝您的幫忙';
    const s = snippet(text, '北屯', 5);
    expect(s).toBe('…問一下台中北屯門市週末幾…');
  });

  it('matches Latin case-insensitively and keeps the original case', () => {
    expect(snippet('Where is my ORDER #123?', 'order', 4)).toBe('…my ORDER #12…');
  });

  it('shows the whole text when it is short', () => {
    expect(snippet('北屯', '北屯')).toBe('北屯');
  });

  it('flattens whitespace and falls back to the start when no occurrence is found', () => {
    expect(snippet('a\n\n b   c', 'zz', 2)).toBe('a b…');
  });
});

describe('search LIKE pattern', () => {
  it('escapes %, _ and backslash so they match literally', () => {
    expect(likePattern('50%_off\\')).toBe('%50\\%\\_off\\\\%');
  });
});
