/**
 * Start-up with a large history: writes `files` run records into a fresh data folder as the
 * engine leaves them (one pretty-printed JSON file per run under jobs/<project>/<group>/<task>/),
 * then times the headless host from spawn to its "Open: http://..." line and to the first
 * answered history:runs, first with no saved run index (every file is read) and then `boots`
 * times with the index the previous stop saved.
 *   node bench/startup-child.js '{"files":100000,"boots":3}'
 * Prints `RESULT <json>` as its last line.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { summary } from './stats.js';
import { startHeadless } from './headless-client.js';
import { writeRunFiles } from './run-files.js';

const options = JSON.parse(process.argv[2] ?? '{}');
const FILES = options.files ?? 100_000;
const BOOTS = options.boots ?? 3;
/** One start: spawn to URL, and to the first history:runs that holds every run. */
async function boot(dataDir) {
  const host = await startHeadless(dataDir);
  try {
    const page = await host.call('history:runs', { limit: 50 });
    const firstQueryMs = performance.now() - host.t0;
    if (page.total !== FILES)
      throw new Error(`bench: history:runs says ${page.total} runs, ${FILES} were written`);
    return { openMs: host.openMs, firstQueryMs };
  } finally {
    // SIGINT is a clean stop: the host saves its run index on the way out.
    await host.stop();
  }
}

const dataDir = await mkdtemp(join(tmpdir(), 'crontray-bench-startup-'));
try {
  const w0 = performance.now();
  // Ending now, as the history of a machine that has been running a while would.
  writeRunFiles(join(dataDir, 'jobs'), FILES, { start: Date.now() - FILES * 60_000, pretty: true });
  const writeMs = performance.now() - w0;
  const cold = await boot(dataDir);
  const indexBytes = (await stat(join(dataDir, 'jobs', '.index', 'runs.bin')).catch(() => null))
    ?.size;
  const warm = [];
  for (let i = 0; i < BOOTS; i++) warm.push(await boot(dataDir));
  console.log(
    `RESULT ${JSON.stringify({
      files: FILES,
      writeMs,
      indexBytes: indexBytes ?? null,
      withoutIndex: cold,
      withIndex: {
        openMs: summary(warm.map((b) => b.openMs)),
        firstQueryMs: summary(warm.map((b) => b.firstQueryMs)),
      },
    })}`,
  );
} finally {
  await rm(dataDir, { recursive: true, force: true });
}
process.exit(0);
