import { existsSync } from 'fs';
import { dirname, join, resolve } from 'path';

/**
 * Paths the console never answers: the API, provider webhooks, probes, metrics, media and
 * binding links, and the socket.io handshake. Everything else that asks for a page (GET or
 * HEAD) gets the console's files, or its index.html so deep links work (a single-page app).
 */
export const RESERVED_PATH = /^\/(api|webhooks|health|metrics|media|socket\.io|bind)(\/|$)/;

export function isConsolePath(method: string, path: string): boolean {
  return (method === 'GET' || method === 'HEAD') && !RESERVED_PATH.test(path);
}

/**
 * Where `npm run build:web` put the console: `web/dist` of the repository, found by walking up
 * from this file (it runs from src/ under ts-node and from dist/src/ when built). Null when the
 * console has not been built: the API works without it.
 */
export function findConsoleDir(from: string = __dirname): string | null {
  let dir = resolve(from);
  for (;;) {
    const candidate = join(dir, 'web', 'dist');
    if (existsSync(join(candidate, 'index.html'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}
