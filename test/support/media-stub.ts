import { createServer, IncomingMessage, Server } from 'http';
import { AddressInfo } from 'net';

export interface MediaRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
}

type Served = { status: number; body?: Buffer | string; type?: string };

/**
 * A local stand-in for the providers' media hosts (LINE content API, Graph media URLs, CDNs,
 * profile APIs): binary bodies per path, each request recorded. Unknown paths answer 404.
 */
export class MediaStub {
  readonly requests: MediaRequest[] = [];
  private readonly routes = new Map<string, Served[]>();
  private server!: Server;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const path = (req.url ?? '').split('?')[0];
      this.requests.push({ method: req.method ?? '', path, headers: req.headers });
      req.resume();
      const list = this.routes.get(path);
      const reply = (list && list.length > 1 ? list.shift() : list?.[0]) ?? { status: 404, body: '{"message":"Not found"}', type: 'application/json' };
      const body = typeof reply.body === 'string' ? Buffer.from(reply.body) : (reply.body ?? Buffer.alloc(0));
      res.writeHead(reply.status, { 'content-type': reply.type ?? 'application/octet-stream', 'content-length': String(body.length) });
      res.end(body);
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** Answers for a path, in order; the last one repeats. */
  serve(path: string, ...replies: Served[]): void {
    this.routes.set(path, replies);
  }

  json(path: string, body: unknown): void {
    this.serve(path, { status: 200, body: JSON.stringify(body), type: 'application/json' });
  }

  to(path: string): MediaRequest[] {
    return this.requests.filter((r) => r.path === path);
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
