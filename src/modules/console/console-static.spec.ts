import { mkdirSync, mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { findConsoleDir, isConsolePath } from './console-static';

describe('console static paths', () => {
  it('leaves the API, webhooks, probes, metrics, media, binding links and socket.io alone', () => {
    for (const p of ['/api', '/api/v1/me', '/api/docs-json', '/webhooks/line/x', '/health', '/health/ready', '/metrics', '/media/t', '/socket.io/', '/bind/abc']) {
      expect({ p, console: isConsolePath('GET', p) }).toEqual({ p, console: false });
    }
  });

  it('answers page requests anywhere else, GET and HEAD only', () => {
    expect(isConsolePath('GET', '/')).toBe(true);
    expect(isConsolePath('HEAD', '/assets/index.js')).toBe(true);
    expect(isConsolePath('GET', '/conversations/123')).toBe(true);
    expect(isConsolePath('GET', '/apiary')).toBe(true);
    expect(isConsolePath('POST', '/')).toBe(false);
  });

  it('finds web/dist by walking up from where it runs, or nothing', () => {
    const root = mkdtempSync(join(tmpdir(), 'console-'));
    const deep = join(root, 'dist', 'src', 'modules', 'console');
    mkdirSync(deep, { recursive: true });
    expect(findConsoleDir(deep)).toBeNull();
    mkdirSync(join(root, 'web', 'dist'), { recursive: true });
    writeFileSync(join(root, 'web', 'dist', 'index.html'), '<!doctype html>');
    expect(findConsoleDir(deep)).toBe(join(root, 'web', 'dist'));
  });
});
