import type { BoundedOutput, RunStatus, RunTrigger } from '../model/run.js';

/** What a runner is told about the run it performs. */
export interface RunContext {
  runId: string;
  taskId: string;
  attempt: number;
  trigger: RunTrigger;
  /** Aborted on timeout, cancel, replace or quit; the runner must stop the work (and its process tree). */
  signal: AbortSignal;
  /** 0 means none; the engine also aborts `signal` when it passes. */
  timeoutMs: number;
  /** Set for a run started by a chain ("after task A"): the parent run it follows. */
  parent?: ParentRun;
}

/** The run a chained run follows, as actions see it (CRONTRAY_PARENT_* variables, a JSON field). */
export interface ParentRun {
  runId: string;
  taskName: string;
  status: RunStatus;
  /** The last characters of the parent's stdout. */
  outputTail: string;
}

/** How a run ended, as the runner saw it. The engine turns this into the final run record. */
export interface RunOutcome {
  status: 'succeeded' | 'failed' | 'timed-out' | 'canceled';
  exitCode?: number | null;
  httpStatus?: number | null;
  stdout?: BoundedOutput | null;
  stderr?: BoundedOutput | null;
  error?: string | null;
  /**
   * The action's result (in-process functions, script exports). The engine does not keep it:
   * run records hold status, exit code and output, and the Run-now memo reuses a whole record.
   */
  value?: unknown;
}

/** Runs one action. `TAction` is whatever the scheduler stores as a task's action. */
export interface ActionRunner<TAction> {
  run(action: TAction, context: RunContext): Promise<RunOutcome>;
}
