import { request } from 'node:http';
import type { Envelope } from '../../main/api/channel.js';
import { startHeadless } from '../e2e/harness.js';
import type { HeadlessProcess } from '../e2e/harness.js';

export interface Reply {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

/** A raw HTTP request to 127.0.0.1, so every header can be set exactly as an attacker would. */
export function send(
  port: number,
  options: { method?: string; path: string; headers?: Record<string, string>; body?: string },
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: options.method ?? 'POST',
        path: options.path,
        headers: options.headers,
      },
      (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** The spawned headless process plus a typed way to call its API the way the UI does. */
export interface Headless extends HeadlessProcess {
  port: number;
  call<T = unknown>(channel: string, payload?: unknown): Promise<Envelope<T>>;
  /** SIGKILL: no shutdown code runs, exactly like a crash or a power cut of the process. */
  kill9(): Promise<void>;
}

export async function spawnHeadless(options: {
  dataDir: string;
  testMode?: boolean;
  start?: boolean;
}): Promise<Headless> {
  const proc = await startHeadless({
    dataDir: options.dataDir,
    testMode: options.testMode ?? false,
    args: options.start ? ['--start'] : [],
  });
  const port = Number(new URL(proc.origin).port);
  return {
    ...proc,
    port,
    async call<T>(channel: string, payload?: unknown): Promise<Envelope<T>> {
      const reply = await send(port, {
        path: `/api/${channel}`,
        headers: {
          Host: `127.0.0.1:${port}`,
          Authorization: `Bearer ${proc.token}`,
          'Content-Type': 'application/json',
        },
        body: payload === undefined ? '' : JSON.stringify(payload),
      });
      return JSON.parse(reply.body) as Envelope<T>;
    },
    async kill9() {
      if (proc.child.exitCode !== null || proc.child.signalCode !== null) return;
      const exited = new Promise<void>((r) => proc.child.once('exit', () => r()));
      proc.child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Unwraps an envelope, failing with its message. */
export function valueOf<T>(envelope: Envelope<T>): T {
  if (!envelope.ok) throw new Error(`API error: ${envelope.error.code}: ${envelope.error.message}`);
  return envelope.value;
}
