import type { TaskDefinition } from '../model/task.js';
import type { ActiveRun } from './active-run.js';
import type { HeapNode, NextRunHeap } from './next-run-heap.js';
import type { Trigger } from './run-trigger.js';
import { TRIGGER, triggerOf } from './run-trigger.js';
import type { RegisteredTask } from './task-registry.js';

/** A retry waiting in the heap for its delay to pass. */
export interface RetryNode<TAction> extends HeapNode {
  kind: 'retry';
  task: RegisteredTask<TAction>;
  attempt: number;
  firstRunId: string;
  /** The failed attempt this retry follows. */
  afterRunId: string;
}

/** The wait before attempt `failedAttempt + 1`: exponential backoff, capped. */
export function retryDelayMs(def: TaskDefinition, failedAttempt: number): number {
  return Math.min(def.retryDelayMs * def.backoffFactor ** (failedAttempt - 1), def.retryMaxDelayMs);
}

/**
 * Retries of failed and timed-out runs: each attempt is its own run linked to the chain's first
 * (`firstRunId`); at most one retry per chain is pending.
 */
export class RetryChain<TAction> {
  /** Pending retries by the first run of their chain. */
  readonly #pending = new Map<string, RetryNode<TAction>>();

  constructor(private readonly heap: NextRunHeap<HeapNode>) {}

  /**
   * After a run ended: schedules its retry when it failed or timed out and attempts are left.
   * True when a retry follows (so the run was not its chain's last attempt).
   */
  follow(run: ActiveRun<TAction>, status: string, now: number): boolean {
    const { task, record } = run;
    if (status !== 'failed' && status !== 'timed-out') return false;
    if (record.attempt > task.def.maxRetries || run.noRetry) return false;
    const retry: RetryNode<TAction> = {
      kind: 'retry',
      task,
      attempt: record.attempt + 1,
      firstRunId: record.firstRunId ?? record.runId,
      afterRunId: record.runId,
      dueAt: now + retryDelayMs(task.def, record.attempt),
      priority: task.def.priority,
      seq: 0,
      heapIndex: -1,
    };
    this.#pending.set(retry.firstRunId, retry);
    this.heap.push(retry);
    return true;
  }

  /** A retry fell due: its trigger, or null when its task was removed meanwhile. */
  due(node: RetryNode<TAction>): Trigger<RegisteredTask<TAction>> | null {
    if (this.#pending.get(node.firstRunId) === node) this.#pending.delete(node.firstRunId);
    if (node.task.removed) return null;
    return triggerOf(node.task, TRIGGER.retry, node.dueAt, true, {
      attempt: node.attempt,
      firstRunId: node.firstRunId,
    });
  }

  /**
   * Drops the pending retry of a chain: the chain `chain` (when a run of it was canceled), or the
   * one whose first run or failed attempt is `runId`. Returns the chain dropped, else null.
   */
  cancel(chain: string | null, runId: string): string | null {
    let dropped: string | null = null;
    for (const [first, retry] of this.#pending) {
      if (first === chain || first === runId || retry.afterRunId === runId) {
        dropped = first;
        this.heap.remove(retry);
        this.#pending.delete(first);
      }
    }
    return dropped;
  }
}
