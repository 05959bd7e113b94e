import { describe, it, expect } from 'vitest';
import { summaryOfText } from '../../../main/core/jobs/run-file-summary.js';
import { toSummary } from '../../../main/core/jobs/run-summary.js';
import { parseRunRecord } from '../../../main/core/store/run-record-files.js';
import { run } from '../store/run-record-fixtures.js';

const PATH = '/jobs/home/backups/nightly/run-1.json';

/** A record with every field the schema knows. */
const FULL: Record<string, unknown> = {
  runId: 'run-1',
  taskId: 'task-1',
  project: 'home',
  group: 'backups',
  name: 'nightly',
  sessionId: 's1',
  status: 'failed',
  trigger: 'retry',
  scheduledFor: 1_767_225_600_000,
  startedAt: 1_767_225_600_250,
  endedAt: 1_767_225_601_250,
  heartbeatAt: 1_767_225_600_900,
  attempt: 2,
  firstRunId: 'run-0',
  exitCode: 3,
  httpStatus: null,
  stdout: { head: 'ok\n', tail: '', truncated: false, totalBytes: 3 },
  stderr: { head: 'Fehler: ä\n', tail: 'end', truncated: true, totalBytes: 9000 },
  error: 'exit code 3',
  fromCache: false,
  rule: 'failure pattern /ERROR/ matched',
  worker: 'host:42',
  skipReason: 'overlap',
};

const REF = { runId: 'p-1', taskId: 't', project: 'a', group: 'b', name: 'c' };

/** Values to put in each field in turn: valid, invalid and absent ones. */
const ODD_VALUES: unknown[] = [
  undefined,
  null,
  '',
  'x',
  'x'.repeat(64),
  'x'.repeat(65),
  'x'.repeat(513),
  'x'.repeat(16_385),
  0,
  -0,
  -1,
  1,
  1.5,
  2 ** 53,
  true,
  false,
  [],
  {},
  'succeeded',
  'manual',
  'quiet-window',
  { head: 'a', tail: 'b', truncated: false, totalBytes: -1 },
  { head: 'a', tail: 'b', truncated: false, totalBytes: 1, extra: 1 },
  { head: 'a', tail: 'b', truncated: 'no', totalBytes: 1 },
  REF,
  [REF, REF],
  [{ ...REF, runId: '' }],
];

/** What the scan makes of a file against what the schema makes of it: the same summary, or the same error. */
function bothWays(text: string): { scan: unknown; schema: unknown } {
  const outcome = (read: () => unknown) => {
    try {
      return { summary: read() };
    } catch (error) {
      return { error: (error as Error).message };
    }
  };
  return {
    scan: outcome(() => summaryOfText(text, PATH)),
    schema: outcome(() => toSummary(parseRunRecord(text, PATH))),
  };
}

describe('a run file read by a scan', () => {
  it('gives the summary the record schema gives, for every field with valid, invalid and missing values', () => {
    let accepted = 0;
    for (const field of Object.keys(FULL).concat(['parent', 'chained'])) {
      for (const value of ODD_VALUES) {
        const record = { ...FULL, [field]: value };
        const { scan, schema } = bothWays(JSON.stringify(record));
        expect(scan, `${field} = ${JSON.stringify(value)}`).toEqual(schema);
        if ('summary' in (schema as object)) accepted++;
      }
    }
    expect(accepted).toBeGreaterThan(100);
  });

  it('fills in what an older record leaves out as the schema does', () => {
    // The fixture holds only the fields the schema requires.
    const minimal = run({ scheduledFor: null, startedAt: 1, endedAt: null });
    const { scan, schema } = bothWays(JSON.stringify(minimal, null, 2));
    expect(scan).toEqual(schema);
    expect(scan).toMatchObject({ summary: { attempt: 1, sessionId: null, fromCache: false } });
  });

  it('refuses what is not a whole record with the words the schema uses', () => {
    for (const text of ['', '{"runId":', 'null', '[]', '42', '{"startedAt": 1e400}']) {
      const { scan, schema } = bothWays(text);
      expect(scan, text).toEqual(schema);
      expect(scan, text).toHaveProperty('error');
    }
    const huge = JSON.stringify(FULL).replace('"startedAt":1767225600250', '"startedAt":1e400');
    expect(bothWays(huge).scan).toHaveProperty('error');
    expect(bothWays(huge).scan).toEqual(bothWays(huge).schema);
  });
});
