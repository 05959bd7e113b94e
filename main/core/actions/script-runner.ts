import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ScriptAction } from '../model/action.js';
import type { Clock } from '../time/clock.js';
import { systemClock } from '../time/clock.js';
import type { ActionRunner, RunContext, RunOutcome } from './runner.js';
import type { OutputLimits } from './output-buffer.js';
import { OutputBuffer } from './output-buffer.js';
import { abortMessage, abortedStatus, runSignal } from './run-signal.js';
import { SCRIPT_WORKER_SOURCE } from './script-worker-source.js';
import { WorkerSlots } from './worker-slots.js';
import { childEnv } from './shell-env.js';
import { parentRunEnv } from './parent-run.js';

export interface ScriptRunnerOptions {
  /** Scripts running at once; more wait in a queue. Default os.availableParallelism(). */
  poolSize?: number;
  /** Head/tail capture of the script's console output. Default 64 KiB each. */
  output?: OutputLimits;
  /** Owns the timeout timer. Default systemClock. */
  clock?: Clock;
}

/** What the script's exported function receives. */
export interface ScriptContext {
  runId: string;
  taskId: string;
  attempt: number;
  trigger: RunContext['trigger'];
}

type WorkerMessage =
  | { type: 'output'; stream: 'stdout' | 'stderr'; text: string }
  | { type: 'result'; value: unknown }
  | { type: 'error'; message: string };

/**
 * Runs script actions: an ES module's export, called in a worker thread so CPU-bound work stays
 * off the main loop, with a heap limit and a timeout (the worker is terminated). Each run gets a
 * fresh worker, so an edited script is picked up and one run's globals never leak into the next;
 * the pool bounds how many run at once. Worker threads, not a child Node process, because
 * Electron's ELECTRON_RUN_AS_NODE fuse is off in the packaged app.
 */
export class ScriptRunner implements ActionRunner<ScriptAction> {
  readonly #slots: WorkerSlots;
  readonly #output: OutputLimits;
  readonly #clock: Clock;

  constructor(options: ScriptRunnerOptions = {}) {
    this.#slots = new WorkerSlots(options.poolSize ?? availableParallelism());
    this.#output = options.output ?? {};
    this.#clock = options.clock ?? systemClock;
  }

  /** Runs in progress and runs waiting for a free worker. */
  get load(): { running: number; queued: number; poolSize: number } {
    return { running: this.#slots.busy, queued: this.#slots.queued, poolSize: this.#slots.size };
  }

  async run(action: ScriptAction, context: RunContext): Promise<RunOutcome> {
    const stdout = new OutputBuffer(this.#output);
    const stderr = new OutputBuffer(this.#output);
    const finishWith = (outcome: RunOutcome): RunOutcome => ({
      exitCode: null,
      ...outcome,
      stdout: stdout.result(),
      stderr: stderr.result(),
    });
    if (!isAbsolute(action.file)) {
      return finishWith({
        status: 'failed',
        error: `The script '${action.file}' is not a full path: give its whole path, from the root of the disk.`,
      });
    }
    const run = runSignal(context, this.#clock);
    let release: () => void;
    try {
      // The timeout covers the wait for a worker too: a run queued past its time did not happen in time.
      release = await this.#slots.acquire(run.signal);
    } catch {
      run.dispose();
      const reason: unknown = run.signal.reason;
      return finishWith({ status: abortedStatus(reason), error: abortMessage(reason) });
    }
    try {
      return finishWith(await this.#runInWorker(action, context, run.signal, stdout, stderr));
    } finally {
      release();
      run.dispose();
    }
  }

  #runInWorker(
    action: ScriptAction,
    context: RunContext,
    signal: AbortSignal,
    stdout: OutputBuffer,
    stderr: OutputBuffer,
  ): Promise<RunOutcome> {
    const worker = startWorker(action, context);
    worker.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    worker.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));

    return new Promise<RunOutcome>((resolve) => {
      let settled = false;
      const finish = (outcome: RunOutcome): void => {
        if (settled) return;
        settled = true;
        signal.removeEventListener('abort', onAbort);
        // The script may leave timers or sockets open; its run is over once it has returned.
        void worker.terminate();
        resolve(outcome);
      };
      const onAbort = (): void => {
        const reason: unknown = signal.reason;
        finish({ status: abortedStatus(reason), error: abortMessage(reason) });
      };
      worker.on('message', (message: WorkerMessage) => {
        if (message.type === 'output')
          (message.stream === 'stdout' ? stdout : stderr).push(message.text);
        else if (message.type === 'result')
          finish({ status: 'succeeded', value: message.value, error: null });
        else finish({ status: 'failed', error: message.message });
      });
      worker.on('error', (error: Error & { code?: string }) =>
        finish(workerErrorOutcome(action, error)),
      );
      worker.on('exit', (code) => {
        finish({
          status: 'failed',
          error: `The script ${action.file} stopped (exit code ${code}) before its function returned.`,
        });
      });
      signal.addEventListener('abort', onAbort, { once: true });
      if (signal.aborted) onAbort();
    });
  }
}

/** The script's worker thread, with its context, memory limit and the minimal environment. */
function startWorker(action: ScriptAction, context: RunContext): Worker {
  const scriptContext: ScriptContext = {
    runId: context.runId,
    taskId: context.taskId,
    attempt: context.attempt,
    trigger: context.trigger,
  };
  return new Worker(SCRIPT_WORKER_SOURCE, {
    eval: true,
    workerData: {
      url: pathToFileURL(action.file).href,
      file: action.file,
      exportName: action.exportName,
      context: scriptContext,
    },
    resourceLimits: { maxOldGenerationSizeMb: action.memoryMb },
    // Raw process.stdout writes are captured too, instead of spilling into the app's own console.
    stdout: true,
    stderr: true,
    // Like shell actions: the minimal base only, never the app's whole environment.
    env: { ...childEnv({ env: [] }), ...parentRunEnv(context.parent) },
  });
}

function workerErrorOutcome(action: ScriptAction, error: Error & { code?: string }): RunOutcome {
  if (error.code === 'ERR_WORKER_OUT_OF_MEMORY') {
    return {
      status: 'failed',
      error: `The script ${action.file} ran out of its memory limit of ${action.memoryMb} MB: raise the limit or make the script use less memory.`,
    };
  }
  return {
    status: 'failed',
    error: `The script ${action.file} could not run: ${error.stack ?? error.message}`,
  };
}
