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

/**
 * One API call as raw bytes: resolves with the response's text and `ms`, the time from sending
 * until its last byte arrived (the server's work and the transfer, not the caller's parsing).
 * `agent` false opens a connection per call; an Agent with keepAlive reuses one, as a UI does.
 */
export function postRaw(port, token, channel, payload, agent = false) {
  const body = JSON.stringify(payload ?? null);
  return new Promise((resolveReply, reject) => {
    const t0 = performance.now();
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: `/api/${channel}`,
        agent,
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
          const ms = performance.now() - t0;
          resolveReply({ ms, text: Buffer.concat(chunks).toString() });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** The envelope's value, or its error thrown. */
export function envelopeValue(channel, text) {
  const envelope = JSON.parse(text);
  if (!envelope.ok) throw new Error(`bench: ${channel}: ${JSON.stringify(envelope.error)}`);
  return envelope.value;
}

/** One API call; resolves with the envelope's value, rejects with its error. */
export async function post(port, token, channel, payload, agent = false) {
  const { text } = await postRaw(port, token, channel, payload, agent);
  return envelopeValue(channel, text);
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
    /** A call timed to its response's last byte, on `agent` (see postRaw). */
    timedCall: (channel, payload, agent) => postRaw(port, token, channel, payload, agent),
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGINT');
        await new Promise((r) => child.once('exit', r));
      }
    },
  };
}
