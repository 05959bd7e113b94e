import type { TaskConditions } from '../model/conditions.js';
import { seconds } from './alert-message.js';
import { durationText } from '../conditions/condition-words.js';
import type { TriggerPlan } from '../schedule/trigger-plan.js';

/** What the allowance of a due run depends on beyond the grace. */
interface LateTask {
  plan?: TriggerPlan | null;
  conditions?: TaskConditions | null;
}

/**
 * How late past the grace a run may legitimately start: the plan's random delay, plus the wait
 * deadline of a task whose runs wait for their conditions.
 */
export function lateAllowance(t: LateTask | undefined): number {
  const c = t?.conditions;
  return (t?.plan?.jitterMs ?? 0) + (c?.policy === 'wait' ? c.deadlineMs : 0);
}

/** What a waiting run waits for: "AC power and the network". */
function waitsFor(c: TaskConditions): string {
  const what: string[] = [];
  if (c.acPower) what.push('AC power');
  if (c.network !== null)
    what.push(c.network.url === undefined ? 'the network' : `${c.network.url} to answer`);
  if (c.idleMinutes !== null)
    what.push(
      c.idleMinutes === 0
        ? 'the user to stop using the computer'
        : `${c.idleMinutes} min without user input`,
    );
  return what.join(' and ');
}

/**
 * The time a due run was given, in words for the missed-run alert: "120 s of that time" with the
 * grace alone, else its parts: "2 min grace + 30 min waiting for AC power".
 */
export function allowanceText(t: LateTask, graceMs: number): string {
  const extra: string[] = [];
  const jitterMs = t.plan?.jitterMs ?? 0;
  if (jitterMs > 0) extra.push(`${durationText(jitterMs)} random delay`);
  const c = t.conditions;
  if (c?.policy === 'wait') extra.push(`${durationText(c.deadlineMs)} waiting for ${waitsFor(c)}`);
  if (extra.length === 0) return `${seconds(graceMs)} of that time`;
  return [`${durationText(graceMs)} grace`, ...extra].join(' + ');
}
