import { createServer, IncomingMessage, Server } from 'http';
import { AddressInfo } from 'net';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: any;
}

type Reply = { status: number; body?: unknown; headers?: Record<string, string> };

/**
 * A local stand-in for the providers' send APIs (LINE push, Graph API). Replies can be
 * scripted per path: a queue of answers consumed in order, then the default 200.
 */
export class ProviderStub {
  readonly requests: RecordedRequest[] = [];
  private readonly scripts = new Map<string, Reply[]>();
  private readonly always = new Map<string, Reply>();
  private server!: Server;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const path = (req.url ?? '').split('?')[0];
        this.requests.push({ method: req.method ?? '', path, headers: req.headers, body: text ? JSON.parse(text) : null });
        const reply = this.scripts.get(path)?.shift() ?? this.always.get(path) ?? this.defaultReply(path);
        res.writeHead(reply.status, { 'content-type': 'application/json', ...(reply.headers ?? {}) });
        res.end(JSON.stringify(reply.body ?? {}));
      });
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** The next answers for a path, in order. */
  script(path: string, ...replies: Reply[]): void {
    this.scripts.set(path, [...(this.scripts.get(path) ?? []), ...replies]);
  }

  /** Every answer for a path from now on. */
  alwaysReply(path: string, reply: Reply): void {
    this.always.set(path, reply);
  }

  to(path: string): RecordedRequest[] {
    return this.requests.filter((r) => r.path === path);
  }

  private defaultReply(path: string): Reply {
    const n = this.requests.length;
    if (path === '/v2/bot/message/push') return { status: 200, body: { sentMessages: [{ id: `line-${n}`, quoteToken: 'q' }] } };
    if (/\/messages$/.test(path) && this.requests[this.requests.length - 1]?.body?.messaging_product === 'whatsapp') {
      return { status: 200, body: { messaging_product: 'whatsapp', contacts: [], messages: [{ id: `wamid.out-${n}` }] } };
    }
    return { status: 200, body: { recipient_id: 'r', message_id: `m_out-${n}` } };
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
