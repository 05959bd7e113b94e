/**
 * The headless host as the benches drive it: spawn dist/main/headless/entry.js, wait for its
 * "Open: http://..." line, call the API over HTTP with the token it wrote, stop it with SIGINT.
 */
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(import.meta.url), '../..');

/** One API call; resolves with the envelope's value, rejects with its error. */
export function post(port, token, channel, payload) {
  const body = JSON.stringify(payload ?? null);
  return new Promise((resolveReply, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: `/api/${channel}`,
        agent: false,
        headers: {
          Host: `127.0.0.1:${port}`,
          Authorization: `Bearer ${token}`,
          'Content-Type': 'application/json',
          'Content-Length': Buffer.byteLength(body),
        },
      },
      (res) => {
        const chunks = [];
        res.on('data', (d) => chunks.push(d));
        res.on('end', () => {
          const envelope = JSON.parse(Buffer.concat(chunks).toString());
          if (!envelope.ok)
            reject(new Error(`bench: ${channel}: ${JSON.stringify(envelope.error)}`));
          else resolveReply(envelope.value);
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Starts the host on a free port. `flags` go to node (e.g. --cpu-prof), `args` to the host
 * (e.g. --test-mode). Resolves once it printed its URL, with `openMs` counted from the spawn.
 */
export async function startHeadless(dataDir, { flags = [], args = [] } = {}) {
  const t0 = performance.now();
  const child = spawn(
    process.execPath,
    [
      ...flags,
      join(ROOT, 'dist/main/headless/entry.js'),
      '--data-dir',
      dataDir,
      '--port',
      '0',
      ...args,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const port = await new Promise((ok, fail) => {
    const timer = setTimeout(
      () => fail(new Error(`bench: headless did not start:\n${output}`)),
      120_000,
    );
    child.stdout.on('data', () => {
      const m = /Open: http:\/\/127\.0\.0\.1:(\d+)\//.exec(output);
      if (m) {
        clearTimeout(timer);
        ok(Number(m[1]));
      }
    });
    child.once('exit', (code) =>
      fail(new Error(`bench: headless exited with ${code}:\n${output}`)),
    );
  });
  const openMs = performance.now() - t0;
  const token = (await readFile(join(dataDir, 'headless-token'), 'utf8')).trim();
  return {
    child,
    port,
    token,
    t0,
    openMs,
    output: () => output,
    call: (channel, payload) => post(port, token, channel, payload),
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGINT');
        await new Promise((r) => child.once('exit', r));
      }
    },
  };
}
