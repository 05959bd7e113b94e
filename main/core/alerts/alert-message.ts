import type { RunRecord, RunStatus } from '../model/run.js';

export type AlertKind = 'failure' | 'recovery' | 'missed' | 'slow' | 'test';

/** The task an alert is about, as people know it. */
export interface AlertTask {
  id: string;
  name: string;
  project: string;
  group: string;
}

/** The run an alert is about; its output tail is already redacted. */
export interface AlertRun {
  runId: string;
  status: RunStatus;
  exitCode: number | null;
  httpStatus: number | null;
  startedAt: number | null;
  endedAt: number | null;
  durationMs: number | null;
  error: string | null;
  /** The output rule that decided the status, when one did. */
  rule: string | null;
  /** The last lines of output (stderr after stdout), redacted. */
  outputTail: string;
}

/**
 * One alert, complete: what every channel formats and what templates read. It is built from a
 * run record and the task's name only, so it holds nothing from the vault.
 */
export interface AlertMessage {
  kind: AlertKind;
  /** One line: "backup failed". */
  title: string;
  /** A sentence or two: what happened and since when. */
  text: string;
  at: number;
  task: AlertTask | null;
  run: AlertRun | null;
  incident: { id: string; openedAt: number } | null;
}

const TAIL_LINES = 20;
const TAIL_CHARS = 4000;

/** The last lines of a run's output: stdout's tail, then stderr's. */
export function outputTail(run: RunRecord, lines = TAIL_LINES): string {
  const text = [run.stdout, run.stderr]
    .filter((o) => o !== null)
    .map((o) => (o.truncated ? o.tail : o.head + o.tail))
    .filter((t) => t !== '')
    .join('\n');
  const kept = text.replace(/\s+$/, '').split('\n').slice(-lines).join('\n');
  return kept.length > TAIL_CHARS ? kept.slice(kept.length - TAIL_CHARS) : kept;
}

export function alertRun(run: RunRecord, rule: string | null = null): AlertRun {
  return {
    runId: run.runId,
    status: run.status,
    exitCode: run.exitCode,
    httpStatus: run.httpStatus,
    startedAt: run.startedAt,
    endedAt: run.endedAt,
    durationMs: run.startedAt !== null && run.endedAt !== null ? run.endedAt - run.startedAt : null,
    error: run.error,
    rule: rule ?? run.rule ?? null,
    outputTail: outputTail(run),
  };
}

export function alertTask(
  run: Pick<RunRecord, 'taskId' | 'name' | 'project' | 'group'>,
): AlertTask {
  return { id: run.taskId, name: run.name, project: run.project, group: run.group };
}

/** A duration in seconds: "1.5 s", "120 s". */
export function seconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}

/** How a failed run ended, in words: "exit code 2", "HTTP 503", "timed out". */
export function failureDetail(run: AlertRun): string {
  if (run.status === 'timed-out') return 'it timed out';
  if (run.rule) return `output rule: ${run.rule}`;
  if (run.exitCode !== null) return `exit code ${run.exitCode}`;
  if (run.httpStatus !== null) return `HTTP ${run.httpStatus}`;
  return run.error ?? 'no details';
}

export function failureText(task: AlertTask, run: AlertRun, failures: number): string {
  const times = failures === 1 ? 'failed' : `failed ${failures} times in a row`;
  return `Task '${task.name}' (${task.project} / ${task.group}) ${times}; the last run: ${failureDetail(run)}.`;
}

export function recoveryText(task: AlertTask, openedAt: number, at: number): string {
  return `Task '${task.name}' (${task.project} / ${task.group}) succeeded again after failing for ${seconds(at - openedAt)}.`;
}

export function slowText(
  task: AlertTask,
  durationMs: number,
  limitMs: number,
  why: string,
): string {
  return `Task '${task.name}' (${task.project} / ${task.group}) ran for ${seconds(durationMs)}, longer than ${seconds(limitMs)} (${why}).`;
}

/** `allowance`: "120 s of that time", or "2 min grace + 30 min waiting for AC power". */
export function missedText(task: AlertTask, dueAt: number, allowance: string, why: string): string {
  return `Task '${task.name}' (${task.project} / ${task.group}) was due at ${new Date(dueAt).toISOString()} and ${why} within ${allowance}.`;
}
