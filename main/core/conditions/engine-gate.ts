import type { TaskDefinition } from '../model/task.js';
import type { EngineEvent } from '../schedule/engine-event.js';
import type { RunLifecycle } from '../schedule/run-lifecycle.js';
import type { RunRecorder } from '../schedule/run-recorder.js';
import { triggerOf } from '../schedule/run-trigger.js';
import type { SchedulerSettings } from '../schedule/scheduler-options.js';
import type { RegisteredTask, TaskRegistry } from '../schedule/task-registry.js';
import type { WaitingRun } from './condition-gate.js';
import { ConditionGate } from './condition-gate.js';
import type { WaitingRunState } from './waiting-run-state.js';

/**
 * The engine's gate, or null when no provider is given (a task's conditions then count as
 * met). A run the gate lets through goes to the run queue like any other.
 */
export function engineGate<TAction>(
  o: SchedulerSettings<TAction>,
  parts: {
    lifecycle: RunLifecycle<TAction>;
    recorder: RunRecorder<TAction>;
    rearm: () => void;
    emit: (event: EngineEvent) => void;
  },
): ConditionGate<RegisteredTask<TAction>> | null {
  const provider = o.conditions;
  if (provider === undefined) return null;
  const { lifecycle, recorder, rearm, emit } = parts;
  const save = o.onWaitingChange;
  return new ConditionGate<RegisteredTask<TAction>>({
    clock: o.clock,
    logger: o.logger,
    provider,
    host: {
      start: (t) => {
        lifecycle.submit(t);
        lifecycle.pump();
        rearm();
      },
      skip: (t, why) =>
        t.chain
          ? recorder.notRun(t, 'skipped', why, 'conditions')
          : recorder.skipped(t.task, t.scheduledFor ?? o.clock.now(), why, 'conditions'),
      miss: (t, why) =>
        t.chain ? recorder.notRun(t, 'missed', why) : recorder.missed(t.task, t.scheduledFor, why),
      changed: (taskId) => emit({ type: 'task:changed', taskId }),
    },
    ...(save ? { onWaitingChange: (runs) => save(runs.map(stateOf)) } : {}),
  });
}

function stateOf<TAction>(run: WaitingRun<RegisteredTask<TAction>>): WaitingRunState {
  const t = run.trigger;
  return {
    taskId: t.task.id,
    trigger: t.trigger,
    scheduledFor: t.scheduledFor,
    forced: t.forced,
    deadlineAt: run.deadlineAt,
    since: run.since,
    waitingFor: run.waitingFor,
  };
}

/** Kept runs back as waiting runs of the tasks still registered, enabled and with conditions. */
export function waitingRunsOf<TAction>(
  states: readonly WaitingRunState[],
  registry: TaskRegistry<TAction>,
): WaitingRun<RegisteredTask<TAction>>[] {
  const out: WaitingRun<RegisteredTask<TAction>>[] = [];
  for (const s of states) {
    const task = registry.get(s.taskId);
    if (!task?.def.enabled || task.def.conditions === undefined) continue;
    // The chain journal keeps a chained run until its record is written and hands it to the
    // gate again after a restart; taking it from here as well would run it twice.
    if (s.trigger === 'chain') continue;
    out.push({
      trigger: triggerOf(task, s.trigger, s.scheduledFor, s.forced),
      deadlineAt: s.deadlineAt,
      since: s.since,
      waitingFor: s.waitingFor,
    });
  }
  return out;
}

/** Whether a change leaves a task's conditions as they were. */
export function sameConditions(a: TaskDefinition, b: TaskDefinition): boolean {
  return (
    a.conditions === b.conditions || JSON.stringify(a.conditions) === JSON.stringify(b.conditions)
  );
}
