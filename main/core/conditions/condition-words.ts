import type { TaskConditions } from '../model/conditions.js';

/** A duration for people: "2 h", "90 min", "45 s". */
export function durationText(ms: number): string {
  if (ms >= 3600_000 && ms % 3600_000 === 0) return `${ms / 3600_000} h`;
  if (ms >= 60_000 && ms % 60_000 === 0) return `${ms / 60_000} min`;
  if (ms % 1000 === 0) return `${ms / 1000} s`;
  return `${ms} ms`;
}

/** Each condition of a task in words: "only on AC power". */
export function conditionPhrases(c: TaskConditions): string[] {
  const out: string[] = [];
  if (c.acPower) out.push('only on AC power');
  if (c.network !== null) {
    out.push(
      c.network.url === undefined
        ? 'only when the network is up'
        : `only when ${c.network.url} answers within ${durationText(c.network.timeoutMs)}`,
    );
  }
  if (c.idleMinutes !== null) {
    out.push(
      c.idleMinutes === 0
        ? 'never while the user is active'
        : `only after ${c.idleMinutes} min without user input`,
    );
  }
  return out;
}

/** The conditions and their policy as one sentence for the preview and the tasks list. */
export function describeConditions(c: TaskConditions): string {
  const what = conditionPhrases(c).join('; ');
  const policy =
    c.policy === 'skip'
      ? "otherwise the run is skipped and recorded 'skipped'"
      : `waits up to ${durationText(c.deadlineMs)}, then missed`;
  return `${what}; ${policy}`;
}

/** What `conditions` must hold beyond its schema; the sentence names the field. */
export function conditionsProblem(
  c: TaskConditions,
  graceMs: number,
): { field: string; message: string } | null {
  if (conditionPhrases(c).length === 0) {
    return {
      field: 'conditions',
      message:
        'choose at least one condition (AC power, network or idle), or remove the conditions',
    };
  }
  if (c.policy === 'wait' && c.deadlineMs < graceMs) {
    return {
      field: 'conditions.deadlineMs',
      message: `the wait deadline (${durationText(c.deadlineMs)}) is shorter than the grace period (${durationText(graceMs)}) after which a run counts as missed: wait at least ${durationText(graceMs)}, or choose 'skip'`,
    };
  }
  return null;
}
