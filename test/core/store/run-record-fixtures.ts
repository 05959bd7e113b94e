import type { RunRecordInput } from '../../../main/core/store/run-records.js';

/** A finished run with sensible defaults; override what the test is about. */
export function run(overrides: Partial<RunRecordInput> = {}): RunRecordInput {
  return {
    runId: 'run-1',
    taskId: 'task-1',
    project: 'home',
    group: 'backups',
    name: 'nightly',
    status: 'succeeded',
    trigger: 'schedule',
    scheduledFor: Date.UTC(2026, 0, 1),
    startedAt: Date.UTC(2026, 0, 1),
    endedAt: Date.UTC(2026, 0, 1) + 1000,
    ...overrides,
  };
}
