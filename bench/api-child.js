/**
 * The headless API round trip: starts dist/main/headless/entry.js --test-mode as a child
 * process, creates tasks over HTTP with the token from <dataDir>/headless-token, then times
 * tasks:list.   node bench/api-child.js '{"tasks":1000,"calls":300}'
 * "childFlags": ["--cpu-prof", "--cpu-prof-dir=<dir>"] passes flags to the host, to profile it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { summary } from './stats.js';
import { startHeadless } from './headless-client.js';

const options = JSON.parse(process.argv[2] ?? '{}');

const dataDir = await mkdtemp(join(tmpdir(), 'crontray-bench-api-'));
const host = await startHeadless(dataDir, {
  flags: options.childFlags ?? [],
  args: ['--test-mode'],
});
try {
  const createStart = performance.now();
  // Eight requests in flight, as a busy UI would send them; each create is a durable write.
  let next = 0;
  const create = async () => {
    while (next < options.tasks) {
      const i = next++;
      await host.call('tasks:create', {
        name: `task ${i}`,
        schedule: { kind: 'cron', pattern: `${i % 60} ${Math.floor(i / 60) % 60} 3 * * *` },
        action: { kind: 'shell', mode: 'script', script: 'true' },
      });
    }
  };
  await Promise.all(Array.from({ length: 8 }, create));
  const createMs = performance.now() - createStart;
  const listed = await host.call('tasks:list', {});
  const times = [];
  for (let i = 0; i < options.calls; i++) {
    const t0 = performance.now();
    await host.call('tasks:list', {});
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
  await host.stop();
  await rm(dataDir, { recursive: true, force: true });
}
process.exit(0);
