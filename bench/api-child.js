/**
 * The headless API round trip: starts dist/main/headless/entry.js --test-mode as a child
 * process, creates tasks over HTTP with the token from <dataDir>/headless-token, then times
 * tasks:list.   node bench/api-child.js '{"tasks":1000,"calls":300}'
 */
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { summary } from './stats.js';

const options = JSON.parse(process.argv[2] ?? '{}');
const ROOT = resolve(fileURLToPath(import.meta.url), '../..');

function post(port, token, channel, payload) {
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

const dataDir = await mkdtemp(join(tmpdir(), 'crontray-bench-api-'));
const child = spawn(
  process.execPath,
  [join(ROOT, 'dist/main/headless/entry.js'), '--data-dir', dataDir, '--port', '0', '--test-mode'],
  { stdio: ['ignore', 'pipe', 'pipe'] },
);
let output = '';
child.stdout.on('data', (d) => (output += d));
child.stderr.on('data', (d) => (output += d));
try {
  const port = await new Promise((ok, fail) => {
    const timer = setTimeout(
      () => fail(new Error(`bench: headless did not start:\n${output}`)),
      30_000,
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
  const token = (await readFile(join(dataDir, 'headless-token'), 'utf8')).trim();
  const createStart = performance.now();
  // Eight requests in flight, as a busy UI would send them; each create is a durable write.
  let next = 0;
  const create = async () => {
    while (next < options.tasks) {
      const i = next++;
      await post(port, token, 'tasks:create', {
        name: `task ${i}`,
        schedule: { kind: 'cron', pattern: `${i % 60} ${Math.floor(i / 60) % 60} 3 * * *` },
        action: { kind: 'shell', mode: 'script', script: 'true' },
      });
    }
  };
  await Promise.all(Array.from({ length: 8 }, create));
  const createMs = performance.now() - createStart;
  const listed = await post(port, token, 'tasks:list', {});
  const times = [];
  for (let i = 0; i < options.calls; i++) {
    const t0 = performance.now();
    await post(port, token, 'tasks:list', {});
    times.push(performance.now() - t0);
  }
  console.log(
    `RESULT ${JSON.stringify({
      tasks: listed.length,
      createMsPerTask: createMs / options.tasks,
      tasksList: summary(times),
    })}`,
  );
} finally {
  child.kill('SIGINT');
  await new Promise((r) => child.once('exit', r));
  await rm(dataDir, { recursive: true, force: true });
}
process.exit(0);
