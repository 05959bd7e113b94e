import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createServer } from 'node:http';
import type { Server, IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpRunner } from '../../../main/core/actions/http-runner.js';
import { httpAction } from '../../../main/core/model/action.js';
import type { HttpAction } from '../../../main/core/model/action.js';
import { context } from './run-context.js';

let server: Server;
let base: string;
const seen: { method: string; headers: IncomingMessage['headers']; body: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', headers: req.headers, body });
      if (req.url === '/ok') res.end('fine');
      else if (req.url === '/echo')
        res.end(JSON.stringify({ method: req.method, auth: req.headers.authorization, body }));
      else if (req.url === '/teapot') {
        res.statusCode = 418;
        res.end('short and stout');
      } else if (req.url === '/big') {
        res.end('B' + 'x'.repeat(1024 * 1024) + 'E');
      } else if (req.url === '/slow') {
        setTimeout(() => res.end('late'), 5000).unref();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function http(input: Partial<HttpAction>): HttpAction {
  return httpAction.parse({ kind: 'http', ...input });
}

describe('HttpRunner', () => {
  it('a 2xx answer succeeds with the body as output and the status recorded', async () => {
    const outcome = await new HttpRunner().run(http({ url: `${base}/ok` }), context());
    expect(outcome.status).toBe('succeeded');
    expect(outcome.httpStatus).toBe(200);
    expect(outcome.stdout?.head).toBe('fine');
  });

  it('sends the method, headers and body', async () => {
    const outcome = await new HttpRunner().run(
      http({
        url: `${base}/echo`,
        method: 'POST',
        body: 'payload',
        headers: [{ name: 'Authorization', value: 'Bearer abc', secret: true }],
      }),
      context(),
    );
    expect(JSON.parse(outcome.stdout?.head ?? '')).toEqual({
      method: 'POST',
      auth: 'Bearer abc',
      body: 'payload',
    });
  });

  it('a status outside the expected range fails and says which range was expected', async () => {
    const outcome = await new HttpRunner().run(http({ url: `${base}/teapot` }), context());
    expect(outcome.status).toBe('failed');
    expect(outcome.httpStatus).toBe(418);
    expect(outcome.error).toBe(
      `GET ${base}/teapot answered 418; the task counts 200–299 as success.`,
    );
    expect(outcome.stdout?.head).toBe('short and stout');
  });

  it('a configured range can accept other statuses', async () => {
    const outcome = await new HttpRunner().run(
      http({ url: `${base}/teapot`, expectStatus: { min: 400, max: 499 } }),
      context(),
    );
    expect(outcome.status).toBe('succeeded');
  });

  it('a large body is captured bounded', async () => {
    const outcome = await new HttpRunner({ output: { headBytes: 1024, tailBytes: 1024 } }).run(
      http({ url: `${base}/big` }),
      context(),
    );
    expect(outcome.stdout?.truncated).toBe(true);
    expect(outcome.stdout?.totalBytes).toBe(1024 * 1024 + 2);
    expect(outcome.stdout?.head.length).toBe(1024);
    expect(outcome.stdout?.tail.endsWith('E')).toBe(true);
  });

  it('a slow server is cut off by the timeout', async () => {
    const outcome = await new HttpRunner().run(
      http({ url: `${base}/slow` }),
      context({ timeoutMs: 200 }),
    );
    expect(outcome.status).toBe('timed-out');
  });

  it('an abort for another reason is a cancel', async () => {
    const controller = new AbortController();
    const running = new HttpRunner().run(
      http({ url: `${base}/slow` }),
      context({ signal: controller.signal }),
    );
    setTimeout(() => controller.abort(new Error('quit')), 100);
    const outcome = await running;
    expect(outcome.status).toBe('canceled');
  });

  it('a refused connection fails with the reason', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const outcome = await new HttpRunner().run(
      http({ url: `http://127.0.0.1:${port}/` }),
      context(),
    );
    expect(outcome.status).toBe('failed');
    expect(outcome.error).toContain('ECONNREFUSED');
  });
});
