import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Envelope, ErrorBody } from '../api/channel.js';
import type { CrontrayService } from '../core/service/service.js';
import type { Logger } from '../core/log/logger.js';
import { checkHost, checkOrigin, checkToken } from './request-guard.js';
import type { GuardResult } from './request-guard.js';
import { CONTENT_SECURITY_POLICY, readStatic } from './static-files.js';

export interface HttpTransportOptions {
  service: CrontrayService;
  token: string;
  /** The built renderer (dist/renderer); null serves the API only. */
  staticDir: string | null;
  /** 0 picks a free port. */
  port: number;
  logger: Logger;
  /** Largest request body accepted, in bytes. Default 1 MiB. */
  maxBodyBytes?: number;
}

export interface HttpTransport {
  server: Server;
  port: number;
  /** The URL to open, with the token in the fragment so it never reaches logs or Referer headers. */
  url: string;
  close(): Promise<void>;
}

const STATUS_BY_CODE: Record<ErrorBody['code'], number> = {
  invalid: 400,
  unauthorized: 401,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  locked: 423,
  unavailable: 503,
  internal: 500,
};

const SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'X-Frame-Options': 'DENY',
};

/**
 * The JSON of frozen list items, as UTF-8 bytes, by identity. A frozen item is never changed
 * (tasks:list keeps each task's view frozen until the task changes), so it is serialized and
 * encoded once instead of on every call; the bytes go when the item does.
 */
const frozenItemBytes = new WeakMap<object, Buffer>();

function itemBytes(item: unknown): Buffer {
  if (typeof item !== 'object' || item === null || !Object.isFrozen(item))
    return Buffer.from(JSON.stringify(item) ?? 'null');
  let bytes = frozenItemBytes.get(item);
  if (bytes === undefined) frozenItemBytes.set(item, (bytes = Buffer.from(JSON.stringify(item))));
  return bytes;
}

const LIST_START = Buffer.from('{"ok":true,"value":[');
const LIST_END = Buffer.from(']}');
const COMMA = Buffer.from(',');

/** The last list reply put together, kept while the next list holds the very same items. */
let lastList: { items: unknown[]; bytes: Buffer } | undefined;

/** The body of a reply: a successful list is put together from its items' bytes. */
function jsonBytes(body: unknown): Buffer | string {
  const envelope = body as { ok?: unknown; value?: unknown };
  if (envelope.ok !== true || !Array.isArray(envelope.value) || Object.keys(envelope).length !== 2)
    return JSON.stringify(body);
  const items = envelope.value as unknown[];
  const last = lastList;
  if (last && last.items.length === items.length && last.items.every((x, i) => x === items[i]))
    return last.bytes;
  const parts: Buffer[] = [LIST_START];
  items.forEach((item, i) => {
    if (i > 0) parts.push(COMMA);
    parts.push(itemBytes(item));
  });
  parts.push(LIST_END);
  const bytes = Buffer.concat(parts);
  // Only lists of frozen items can be reused: anything else may change behind the reference.
  if (
    items.length > 0 &&
    items.every((x) => typeof x === 'object' && x !== null && Object.isFrozen(x))
  )
    lastList = { items: items.slice(), bytes };
  return bytes;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const data = jsonBytes(body);
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'no-store',
    'Content-Length': Buffer.byteLength(data),
  });
  res.end(data);
}

function refuse(res: ServerResponse, guard: GuardResult): void {
  const code: ErrorBody['code'] =
    guard.status === 401 ? 'unauthorized' : guard.status === 403 ? 'forbidden' : 'invalid';
  const envelope: Envelope<never> = { ok: false, error: { code, message: guard.message } };
  sendJson(res, guard.status, envelope);
}

/**
 * The request's body as text. Read with 'data' events: an async iterator over the request cost
 * 2 % of a create's time in the host (measured with --cpu-prof in bench/api-child.js).
 */
function readBody(req: IncomingMessage, limit: number): Promise<string | GuardResult> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= limit) return void chunks.push(chunk);
      req.off('data', onData);
      req.resume();
      resolve({ status: 413, message: `Headless: request body is larger than ${limit} bytes` });
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.once('error', reject);
  });
}

/** GET /api/events: Server-Sent Events of every service event, with start-up notices first. */
function openEventStream(
  req: IncomingMessage,
  res: ServerResponse,
  service: HttpTransportOptions['service'],
  clients: Set<ServerResponse>,
): void {
  if (req.method !== 'GET')
    return refuse(res, { status: 405, message: 'Headless: use GET for /api/events' });
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-store',
    Connection: 'keep-alive',
  });
  res.write(': connected\n\n');
  // A browser that connects late still learns what happened at start-up (a file moved aside).
  for (const notice of service.startupNotices) {
    res.write(`event: notice\ndata: ${JSON.stringify(notice)}\n\n`);
  }
  clients.add(res);
  // A comment line now and then keeps proxies and idle-socket timers from closing the stream.
  const keepAlive = setInterval(() => res.write(': ping\n\n'), 25_000);
  keepAlive.unref();
  req.on('close', () => {
    clearInterval(keepAlive);
    clients.delete(res);
  });
}

/** POST /api/<channel>: a JSON body in, the service's envelope out with a matching status. */
async function callChannel(
  req: IncomingMessage,
  res: ServerResponse,
  channelName: string,
  service: HttpTransportOptions['service'],
  maxBody: number,
): Promise<void> {
  if (req.method !== 'POST')
    return refuse(res, { status: 405, message: 'Headless: use POST for API calls' });
  const type = req.headers['content-type'] ?? '';
  if (!type.toLowerCase().startsWith('application/json')) {
    return refuse(res, {
      status: 415,
      message: 'Headless: Content-Type must be application/json',
    });
  }
  const body = await readBody(req, maxBody);
  if (typeof body !== 'string') {
    // The rest of the body is never read, so this connection cannot carry another request.
    res.shouldKeepAlive = false;
    return refuse(res, body);
  }
  let payload: unknown;
  try {
    payload = body.trim() === '' ? undefined : JSON.parse(body);
  } catch (error) {
    const reason = error instanceof Error ? error.message : 'malformed JSON';
    const envelope: Envelope<never> = {
      ok: false,
      error: { code: 'invalid', message: `(body): not valid JSON: ${reason}`, field: '(body)' },
    };
    return sendJson(res, 400, envelope);
  }
  const envelope = await service.call(channelName, payload);
  sendJson(res, envelope.ok ? 200 : STATUS_BY_CODE[envelope.error.code], envelope);
}

/** The built renderer: immutable hashed assets, everything else revalidated. */
async function serveStatic(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  staticDir: string | null,
): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    return refuse(res, { status: 405, message: 'Headless: method not allowed' });
  }
  const file = staticDir ? await readStatic(staticDir, path) : null;
  if (!file) {
    res.writeHead(404, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' });
    res.end('Not found');
    return;
  }
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    'Content-Type': file.type,
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'Cache-Control': path.startsWith('/assets/')
      ? 'public, max-age=31536000, immutable'
      : 'no-cache',
  });
  res.end(req.method === 'HEAD' ? undefined : file.body);
}

/**
 * Serves the contract over HTTP on 127.0.0.1: POST /api/<channel> with a JSON body, and
 * GET /api/events as Server-Sent Events. Also serves the built renderer.
 */
export async function startHttpTransport(options: HttpTransportOptions): Promise<HttpTransport> {
  const { service, token, logger } = options;
  const maxBody = options.maxBodyBytes ?? 1024 * 1024;
  const sseClients = new Set<ServerResponse>();
  let port = options.port;

  const unsubscribe = service.events.subscribe((event, payload) => {
    const frame = `event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`;
    for (const client of sseClients) client.write(frame);
  });

  async function handleApi(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const denied = checkOrigin(req, port) ?? checkToken(req, token);
    if (denied) return refuse(res, denied);

    if (path === '/api/events') return openEventStream(req, res, service, sseClients);
    return callChannel(req, res, path.slice('/api/'.length), service, maxBody);
  }

  const server = createServer((req, res) => {
    const hostDenied = checkHost(req, port);
    if (hostDenied) return refuse(res, hostDenied);
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const work =
      path === '/api' || path.startsWith('/api/')
        ? handleApi(req, res, path)
        : serveStatic(req, res, path, options.staticDir);
    work.catch((error: unknown) => {
      logger.error('Headless: request failed', error);
      if (!res.headersSent)
        sendJson(res, 500, {
          ok: false,
          error: { code: 'internal', message: 'Headless: request failed' },
        });
      else res.end();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;

  return {
    server,
    port,
    url: `http://127.0.0.1:${port}/#token=${token}`,
    async close() {
      unsubscribe();
      for (const client of sseClients) client.end();
      sseClients.clear();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Idle keep-alive sockets would otherwise hold close() open for seconds.
      server.closeAllConnections();
      await closed;
    },
  };
}
