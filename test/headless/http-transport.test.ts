import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, stat, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CrontrayService } from '../../main/core/service/service.js';
import { startHttpTransport } from '../../main/headless/http-transport.js';
import type { HttpTransport } from '../../main/headless/http-transport.js';
import { issueToken, TOKEN_FILE } from '../../main/headless/token.js';
import { silentLogger } from '../../main/core/log/logger.js';
import { send } from '../support/headless-client.js';
import type { Reply } from '../support/headless-client.js';

describe('the headless HTTP transport', () => {
  let dataDir: string;
  let token: string;
  let transport: HttpTransport;
  let service: CrontrayService;
  let port: number;
  let api: (channel: string, body: string, extra?: Record<string, string>) => Promise<Reply>;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'crontray-http-'));
    service = new CrontrayService({
      dataDir,
      host: 'headless',
      version: '9.9.9',
      logger: silentLogger,
    });
    await service.open();
    token = await issueToken(dataDir);
    transport = await startHttpTransport({
      service,
      token,
      staticDir: null,
      port: 0,
      logger: silentLogger,
    });
    port = transport.port;
    api = (channel, body, extra = {}) =>
      send(port, {
        path: `/api/${channel}`,
        body,
        headers: {
          Host: `127.0.0.1:${port}`,
          'Content-Type': 'application/json',
          Authorization: `Bearer ${token}`,
          ...extra,
        },
      });
  });

  afterAll(async () => {
    await transport.close();
    await service.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('binds to the loopback address only', () => {
    const address = transport.server.address();
    expect(typeof address === 'object' && address?.address).toBe('127.0.0.1');
  });

  it('puts the token in the URL fragment, never in the path or query', () => {
    const url = new URL(transport.url);
    expect(url.hash).toBe(`#token=${token}`);
    expect(url.pathname + url.search).not.toContain(token);
  });

  it('stores the token in the data folder readable by the owner only', async () => {
    const info = await stat(join(dataDir, TOKEN_FILE));
    expect(info.mode & 0o777).toBe(0o600);
    expect((await readFile(join(dataDir, TOKEN_FILE), 'utf8')).trim()).toBe(token);
  });

  it('answers a valid call with the value in an envelope', async () => {
    const reply = await api('app:info', '{}');
    expect(reply.status).toBe(200);
    const envelope = JSON.parse(reply.body) as {
      ok: boolean;
      value: { name: string; version: string; host: string };
    };
    expect(envelope).toMatchObject({
      ok: true,
      value: { name: 'Crontray', version: '9.9.9', host: 'headless' },
    });
  });

  it('refuses a call without a token with 401', async () => {
    const reply = await send(port, {
      path: '/api/app:info',
      body: '{}',
      headers: { Host: `127.0.0.1:${port}`, 'Content-Type': 'application/json' },
    });
    expect(reply.status).toBe(401);
    expect(reply.body).toContain('token');
  });

  it('refuses a call with a wrong token with 401', async () => {
    const reply = await api('app:info', '{}', { Authorization: `Bearer ${token.slice(1)}x` });
    expect(reply.status).toBe(401);
  });

  it('refuses a Host header that is not loopback with 403, even with the right token (DNS rebinding)', async () => {
    const reply = await api('app:info', '{}', { Host: `evil.example:${port}` });
    expect(reply.status).toBe(403);
    expect(reply.body).toContain('evil.example');
  });

  it('refuses the right host on another port with 403', async () => {
    const reply = await api('app:info', '{}', { Host: `127.0.0.1:${port + 1}` });
    expect(reply.status).toBe(403);
  });

  it('refuses a cross-origin request with 403', async () => {
    const reply = await api('scheduler:start', '{}', { Origin: 'https://evil.example' });
    expect(reply.status).toBe(403);
    expect(reply.body).toContain('cross-origin');
    const status = JSON.parse((await api('scheduler:status', '{}')).body) as {
      value: { running: boolean };
    };
    expect(status.value.running).toBe(false);
  });

  it('accepts requests from its own origin', async () => {
    const reply = await api('app:info', '{}', { Origin: `http://127.0.0.1:${port}` });
    expect(reply.status).toBe(200);
  });

  it('answers malformed JSON with 400 naming the body', async () => {
    const reply = await api('tasks:list', '{"project": ');
    expect(reply.status).toBe(400);
    const envelope = JSON.parse(reply.body) as {
      ok: false;
      error: { field: string; message: string };
    };
    expect(envelope.error.field).toBe('(body)');
    expect(envelope.error.message).toMatch(/not valid JSON/);
  });

  it('answers a body of the wrong shape with 400 naming the field and the reason', async () => {
    const reply = await api('tasks:list', JSON.stringify({ project: '../../etc' }));
    expect(reply.status).toBe(400);
    const envelope = JSON.parse(reply.body) as {
      ok: false;
      error: { field: string; message: string };
    };
    expect(envelope.error.field).toBe('project');
    expect(envelope.error.message).toMatch(/^project: /);
  });

  it('answers unknown fields with 400 listing them', async () => {
    const reply = await api('scheduler:start', JSON.stringify({ force: true }));
    expect(reply.status).toBe(400);
    expect(reply.body).toContain('force');
  });

  it('answers an unknown channel with 404', async () => {
    const reply = await api('tasks:explode', '{}');
    expect(reply.status).toBe(404);
  });

  it('hides test-only channels outside test mode', async () => {
    const reply = await api('clock:advance', JSON.stringify({ ms: 1000 }));
    expect(reply.status).toBe(404);
  });

  it('refuses a non-JSON content type, which a cross-site form could send', async () => {
    const reply = await api('scheduler:start', 'a=b', {
      'Content-Type': 'application/x-www-form-urlencoded',
    });
    expect(reply.status).toBe(415);
  });

  it('refuses a body larger than the limit with 413', async () => {
    const reply = await api('tasks:list', JSON.stringify({ project: 'x'.repeat(2 * 1024 * 1024) }));
    expect(reply.status).toBe(413);
  });

  it('streams events to a client holding the token', async () => {
    const controller = new AbortController();
    const response = await fetch(`http://127.0.0.1:${port}/api/events`, {
      headers: { Authorization: `Bearer ${token}` },
      signal: controller.signal,
    });
    expect(response.status).toBe(200);
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    await reader.read(); // the ': connected' comment
    await api('scheduler:start', '{}');
    let text = '';
    while (!text.includes('\n\n') || !text.includes('scheduler:state'))
      text += (await reader.read()).value ?? '';
    expect(text).toContain('event: scheduler:state');
    expect(text).toContain('"running":true');
    controller.abort();
    await api('scheduler:stop', '{}');
  });

  it('refuses the event stream without a token', async () => {
    const reply = await send(port, {
      method: 'GET',
      path: '/api/events',
      headers: { Host: `localhost:${port}` },
    });
    expect(reply.status).toBe(401);
  });
});
