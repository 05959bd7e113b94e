/** Run-record files for the benches, written straight to disk (no engine, no fsync). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const STATUSES = ['succeeded', 'succeeded', 'succeeded', 'failed', 'timed-out', 'canceled'];

/**
 * `files` final run records of 1,000 tasks (10 projects x 10 groups x 10 tasks), one a minute
 * from `start`, as the engine writes them (`pretty`: indented, as RunRecordWriter does).
 */
export function writeRunFiles(
  jobsDir,
  files,
  { start = Date.UTC(2026, 0, 1), pretty = false } = {},
) {
  const t0 = start;
  for (let i = 0; i < files; i++) {
    const project = `project-${i % 10}`;
    const group = `group-${Math.floor(i / 10) % 10}`;
    const name = `task-${Math.floor(i / 100) % 10}`;
    const runId = `run-${i}`;
    const started = t0 + i * 60_000;
    const record = {
      runId,
      taskId: `t-${i % 1000}`,
      project,
      group,
      name,
      sessionId: 's1',
      status: STATUSES[i % STATUSES.length],
      trigger: 'schedule',
      scheduledFor: started,
      startedAt: started,
      endedAt: started + 1000 + (i % 5000),
      heartbeatAt: started,
      attempt: 1,
      firstRunId: runId,
      exitCode: 0,
      httpStatus: null,
      stdout: { head: 'ok\n', tail: '', truncated: false, totalBytes: 3 },
      stderr: null,
      error: null,
      fromCache: false,
    };
    const path = join(jobsDir, project, group, name, `${runId}.json`);
    if (i < 1000) mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, pretty ? JSON.stringify(record, null, 2) : JSON.stringify(record));
  }
}
