import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A redis-server of the test's own on 127.0.0.1, never the system service. */
export interface RedisServerHandle {
  port: number;
  /** redis://127.0.0.1:<port> (with the password when one was set). */
  url: string;
  /** Stops it with SIGKILL, as a crash would; `start()` brings it back on the same port, empty. */
  kill(): Promise<void>;
  start(): Promise<void>;
  /** Stops it with SIGTERM, so a server started with `persist` writes its dump; the folder stays. */
  shutdown(): Promise<void>;
  /** Stops it and removes its folder. */
  stop(): Promise<void>;
}

export interface RedisServerOptions {
  /** Sets requirepass. */
  password?: string;
  /** Default noeviction, as Crontray requires; tests of the refusal pass another. */
  maxmemoryPolicy?: string;
  /** Saves a dump in its temp folder on shutdown, so `start()` brings its data back. */
  persist?: boolean;
}

/** A free TCP port: bind port 0, read the port, close ('--port 0' means "no TCP" to Redis). */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

function waitReady(proc: ChildProcess): Promise<void> {
  return new Promise((resolveReady, reject) => {
    let seen = '';
    const timer = setTimeout(
      () => reject(new Error(`redis-server did not start in 10 s:\n${seen}`)),
      10_000,
    );
    proc.stdout?.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolveReady();
      }
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with code ${String(code)}:\n${seen}`));
    });
  });
}

function waitExit(proc: ChildProcess | null, signal: NodeJS.Signals): Promise<void> {
  if (proc === null || proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
  return new Promise((resolveExit) => {
    proc.once('exit', () => resolveExit());
    proc.kill(signal);
  });
}

/** Starts redis-server on a free port in a temp folder, without persistence unless asked. */
export async function startRedisServer(
  options: RedisServerOptions = {},
): Promise<RedisServerHandle> {
  const dir = await mkdtemp(join(tmpdir(), 'crontray-redis-'));
  const port = await freePort();
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    options.persist === true ? '3600 1' : '',
    '--appendonly',
    'no',
    '--maxmemory-policy',
    options.maxmemoryPolicy ?? 'noeviction',
    '--dir',
    dir,
    ...(options.password !== undefined ? ['--requirepass', options.password] : []),
  ];
  let proc: ChildProcess | null = null;
  const start = async (): Promise<void> => {
    proc = spawn('/usr/bin/redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    await waitReady(proc);
  };
  await start();
  const auth = options.password !== undefined ? `:${encodeURIComponent(options.password)}@` : '';
  return {
    port,
    url: `redis://${auth}127.0.0.1:${port}`,
    kill: () => waitExit(proc, 'SIGKILL'),
    start,
    shutdown: () => waitExit(proc, 'SIGTERM'),
    async stop() {
      await waitExit(proc, 'SIGTERM');
      await rm(dir, { recursive: true, force: true });
    },
  };
}
