import type { Job, Queue, RepeatOptions } from 'bullmq';
import type { RunTrigger } from '../model/run.js';
import type { RunRecordInput } from '../store/run-records.js';
import { clusterRunId, instantRunId, planTick } from './catch-up-plan.js';
import type { TickPlan } from './catch-up-plan.js';
import { notRunFields } from './cluster-hold.js';
import type { RunHold } from './cluster-hold.js';
import type { TickData } from './cluster-payloads.js';
import { nextTickAfter } from './cluster-schedule.js';

/** What writing a plan needs from the worker: its name, the results queue, the task's queue. */
export interface PlanParts {
  worker: string;
  results: { send(record: RunRecordInput): Promise<void> };
  tasks: Queue;
  /** The "Do not run until …" window: a miss inside it is written skipped, as on the desktop. */
  hold: RunHold;
}

/** The bookkeeping every record of a task's job shares. */
export function baseRecord(data: TickData, scheduledFor: number | null, trigger: RunTrigger) {
  return {
    taskId: data.taskId,
    project: data.project,
    group: data.group,
    name: data.name,
    trigger,
    scheduledFor,
  };
}

/**
 * Writes the plan's misses and queues its other runs (ids fixed by the instant: never twice):
 * catch-ups at once, instants still ahead handed `lead` before them, as the scheduler's are.
 */
export async function recordPlan(
  parts: PlanParts,
  data: TickData,
  plan: TickPlan,
  tick: { scheduledFor: number; lead: number },
): Promise<void> {
  const { scheduledFor, lead } = tick;
  const now = Date.now();
  const reason = `catch-up policy '${data.catchUp.policy}'`;
  // Sent together, so they share results jobs.
  const sent: Promise<void>[] = [];
  for (const at of plan.missed) {
    sent.push(
      parts.results.send({
        ...baseRecord(data, at, 'schedule'),
        runId: instantRunId(data.taskId, at),
        ...notRunFields(
          parts.hold.heldAt(at),
          `Missed: due ${new Date(at).toISOString()}, taken by a worker only at ${new Date(now).toISOString()} (no worker was free or running; ${reason}).`,
        ),
        startedAt: null,
        endedAt: now,
        worker: parts.worker,
      }),
    );
  }
  if (plan.missedUncounted > 0) {
    sent.push(
      parts.results.send({
        ...baseRecord(data, null, 'schedule'),
        runId: clusterRunId(data.taskId, 'missed-more', scheduledFor),
        status: 'missed',
        startedAt: null,
        endedAt: now,
        worker: parts.worker,
        error: `Missed: ${plan.missedUncounted} more runs due before ${new Date(now).toISOString()} (${reason}); they are counted here, not listed one by one.`,
      }),
    );
  }
  await Promise.all(sent);
  for (const run of plan.run) {
    if (run.at === scheduledFor) continue;
    await parts.tasks.add(
      data.taskId,
      { ...data, trigger: run.trigger, scheduledFor: run.at },
      {
        jobId: `catchup-${clusterRunId(data.taskId, run.at)}`,
        delay: Math.max(0, run.at - lead - Date.now()),
        // An instant still ahead is an ordinary tick: it retries as the scheduler's would.
        ...(run.trigger === 'schedule'
          ? { attempts: data.retry.maxRetries + 1, backoff: { type: 'crontray' } }
          : {}),
        removeOnComplete: true,
        removeOnFail: 1000,
      },
    );
  }
}

function repeatCount(job: Job): number | undefined {
  return (job.opts as { repeat?: RepeatOptions }).repeat?.count;
}

/**
 * Whether taking this job again planned its scheduler's next job. BullMQ plans it when a worker
 * takes a scheduler's job, and only while the scheduler still points at that job: a worker
 * killed between taking the job and planning (a narrow window, but kill -9 and power cuts hit it)
 * leaves the plan to the worker that retakes the job once its lock runs out, from that worker's
 * clock. The job asked for (`repeat:<id>:<millis>`, the instant less the lead) is this taking's
 * when it is the next iteration and was made after this attempt began: the first worker's was
 * made before it stopped answering, at least a lock time earlier.
 */
async function plannedByRetake(
  tasks: Queue,
  job: Job,
  nextAt: number,
  lead: number,
): Promise<boolean> {
  const made = await tasks.getJob(`repeat:${job.repeatJobKey ?? ''}:${nextAt - lead}`);
  if (made === undefined || job.processedOn === undefined) return false;
  return repeatCount(made) === (repeatCount(job) ?? 0) + 1 && made.timestamp >= job.processedOn;
}

/**
 * A scheduler's job retaken after a stall (its first worker died, its runs never failed). When
 * this retake planned the scheduler's next job, the due instants between this job's and the next
 * one (up to `coveredTo`) were never queued by anyone: they go through the plan here (instants
 * ahead held until they are due, past ones under the catch-up policy), or they would be lost.
 */
export async function planRetake(
  parts: PlanParts,
  job: Job,
  data: TickData,
  tick: { scheduledFor: number; coveredTo: number; lead: number },
): Promise<void> {
  const { scheduledFor, coveredTo, lead } = tick;
  const nextAt = nextTickAfter(data, coveredTo);
  if (nextAt === null || !(await plannedByRetake(parts.tasks, job, nextAt, lead))) return;
  const first = nextTickAfter(data, scheduledFor);
  if (first === null || first > coveredTo) return;
  const plan = planTick(data, first, coveredTo, Date.now());
  await recordPlan(parts, data, plan, { scheduledFor, lead });
}
