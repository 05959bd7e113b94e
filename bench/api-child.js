/**
 * The headless API round trip: starts dist/main/headless/entry.js --test-mode as a child
 * process, creates tasks over HTTP with the token from <dataDir>/headless-token, then times
 * tasks:list, then creates as many tasks again with a new connection for every call.
 *   node bench/api-child.js '{"tasks":1000,"calls":300}'
 * "childFlags": ["--cpu-prof", "--cpu-prof-dir=<dir>"] passes flags to the host, to profile it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from 'node:http';
import { summary } from './stats.js';
import { envelopeValue, post, startHeadless } from './headless-client.js';

const options = JSON.parse(process.argv[2] ?? '{}');

function taskInput(i) {
  return {
    name: `task ${i}`,
    schedule: { kind: 'cron', pattern: `${i % 60} ${Math.floor(i / 60) % 60} 3 * * *` },
    action: { kind: 'shell', mode: 'script', script: 'true' },
  };
}

const dataDir = await mkdtemp(join(tmpdir(), 'crontray-bench-api-'));
const host = await startHeadless(dataDir, {
  flags: options.childFlags ?? [],
  args: ['--test-mode'],
});
try {
  // Eight requests in flight, as a busy UI would send them; each create is a durable write.
  // The first batch goes over 8 kept-alive connections, as the GUI's page keeps them (a browser
  // reuses its connections); the second, after the list, opens a connection per call.
  const createAll = async (first, agent) => {
    const start = performance.now();
    let next = first;
    const create = async () => {
      while (next < first + options.tasks) {
        const i = next++;
        await post(host.port, host.token, 'tasks:create', taskInput(i), agent);
      }
    };
    await Promise.all(Array.from({ length: 8 }, create));
    return (performance.now() - start) / options.tasks;
  };
  const keptAlive = new Agent({ keepAlive: true, maxSockets: 8 });
  const createMsPerTask = await createAll(0, keptAlive);
  keptAlive.destroy();
  const listed = await host.call('tasks:list', {});
  // The list is timed from sending the request to its response's last byte, on one kept-alive
  // connection as the GUI's page holds: the host's work and the transfer, not this client's
  // decoding and JSON.parse of ~1 MB (done after the clock stops, and checked) nor a new TCP
  // connection per call. See NOTES.md.
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const times = [];
  for (let i = 0; i < options.calls; i++) {
    const { ms, text } = await host.timedCall('tasks:list', {}, agent);
    times.push(ms);
    if (envelopeValue('tasks:list', text).length !== listed.length)
      throw new Error('bench: tasks:list changed length between calls');
  }
  agent.destroy();
  const createNewConnectionMsPerTask = await createAll(options.tasks, false);
  console.log(
    `RESULT ${JSON.stringify({
      tasks: listed.length,
      createMsPerTask,
      createNewConnectionMsPerTask,
      tasksList: summary(times),
    })}`,
  );
} finally {
  await host.stop();
  await rm(dataDir, { recursive: true, force: true });
}
process.exit(0);
