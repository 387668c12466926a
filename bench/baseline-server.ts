import { createHmac, timingSafeEqual } from 'crypto';
import { readFileSync } from 'fs';
import * as http from 'http';
import { Pool } from 'pg';
import { Server } from 'socket.io';

/**
 * The bare baseline the benchmark compares us to: one Node process, socket.io without Redis,
 * no framework, no permissions. Per webhook: check the LINE signature, parse, ONE INSERT, and
 * emit the same two events our server sends (`conversation.upserted`, `message.created`) to the
 * same member rooms — the audience is handed over precomputed in a file, so this server never
 * decides who may read what. Whatever we cost beyond it is the price of the product.
 *
 * Env: PORT, DATABASE_URL (a fresh database; the table is created here), BASELINE_AUDIENCE
 * (JSON: {secret, users: {lineUserId: conversationIndex}, conversationIds, audience: memberIds[][]}).
 */
const port = Number(process.env.PORT ?? 3900);
const spec = JSON.parse(readFileSync(process.env.BASELINE_AUDIENCE!, 'utf8')) as {
  secret: string;
  users: Record<string, number>;
  conversationIds: string[];
  audience: string[][];
};
const rooms = spec.audience.map((ids) => ids.map((id) => `member:${id}`));
const db = new Pool({ connectionString: process.env.DATABASE_URL, max: 10 });

const server = http.createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/health') {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    return;
  }
  if (req.method !== 'POST' || !req.url?.startsWith('/webhooks/line/')) {
    res.writeHead(404).end();
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const raw = Buffer.concat(chunks);
    const expected = Buffer.from(createHmac('sha256', spec.secret).update(raw).digest('base64'));
    const given = Buffer.from(String(req.headers['x-line-signature'] ?? ''));
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
      res.writeHead(401).end();
      return;
    }
    void handle(JSON.parse(raw.toString('utf8')))
      .then(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'))
      .catch((e: Error) => res.writeHead(500).end(e.message));
  });
});

const ioServer = new Server(server, { serveClient: false });
const inbox = ioServer.of('/inbox');
inbox.use((socket, next) => {
  const token = (socket.handshake.auth as { token?: string }).token ?? '';
  // The bench hands the baseline `member:<id>` as the token: no verification at all.
  if (!token.startsWith('member:')) return next(new Error('unauthorized'));
  socket.data.room = token;
  next();
});
inbox.on('connection', (socket) => void socket.join(socket.data.room as string));

interface LineBody {
  events: { timestamp: number; source: { userId: string }; message: { id: string; text: string } }[];
}

async function handle(body: LineBody): Promise<void> {
  for (const e of body.events) {
    const i = spec.users[e.source.userId];
    const conversationId = spec.conversationIds[i];
    const { rows } = await db.query(`INSERT INTO baseline_messages (conversation_id, provider_message_id, text) VALUES ($1, $2, $3) RETURNING id, created_at`, [
      conversationId,
      e.message.id,
      e.message.text,
    ]);
    const at = new Date(e.timestamp).toISOString();
    inbox.to(rooms[i]).emit('conversation.upserted', { id: conversationId, status: 'open', lastActivityAt: at, lastMessage: { id: rows[0].id, text: e.message.text } });
    inbox.to(rooms[i]).emit('message.created', { id: rows[0].id, conversationId, direction: 'in', text: e.message.text, createdAt: rows[0].created_at });
  }
}

void db
  .query(`CREATE TABLE IF NOT EXISTS baseline_messages (id bigserial PRIMARY KEY, conversation_id uuid NOT NULL, provider_message_id text NOT NULL, text text, created_at timestamptz NOT NULL DEFAULT now())`)
  .then(() => server.listen(port, '127.0.0.1', () => console.log(`baseline listening on ${port}`)));
