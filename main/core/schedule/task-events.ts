import type { TriggerEvent } from '../model/triggers.js';
import type { Trigger } from './run-trigger.js';
import { TRIGGER, triggerOf } from './run-trigger.js';
import type { RegisteredTask } from './task-registry.js';

/**
 * A wake this late means the machine slept (or its clock jumped ahead): tasks with the "after
 * the machine wakes" event run. The wake timer never waits more than 30 s, so a resume is
 * noticed within 30 s; a minute keeps a busy event loop from passing for a sleep.
 */
export const WAKE_LATE_MS = 60_000;

/** A run for every enabled task that starts on `event`, due now. */
export function eventTriggers<TAction>(
  tasks: Iterable<RegisteredTask<TAction>>,
  event: TriggerEvent,
  now: number,
): Trigger<RegisteredTask<TAction>>[] {
  const out: Trigger<RegisteredTask<TAction>>[] = [];
  const trigger = event === 'start' ? TRIGGER.startup : TRIGGER.wake;
  for (const task of tasks) {
    // Tasks without triggers cost one null check.
    const plan = task.triggers?.plan;
    if (plan === undefined || !task.def.enabled || !plan.events.includes(event)) continue;
    out.push(triggerOf(task, trigger, now));
  }
  return out;
}
