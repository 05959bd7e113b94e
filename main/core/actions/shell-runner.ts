import { spawn } from 'node:child_process';
import type { ShellAction } from '../model/action.js';
import type { Clock } from '../time/clock.js';
import { systemClock } from '../time/clock.js';
import type { Logger } from '../log/logger.js';
import { silentLogger } from '../log/logger.js';
import type { ActionRunner, RunContext, RunOutcome } from './runner.js';
import type { OutputLimits } from './output-buffer.js';
import { OutputBuffer } from './output-buffer.js';
import { killTree } from './process-tree.js';
import { abortMessage, abortedStatus, runSignal } from './run-signal.js';
import { childEnv, commandLine } from './shell-env.js';
import { parentRunEnv } from './parent-run.js';

export interface ShellRunnerOptions {
  /** Time between SIGTERM and SIGKILL when a run's tree is stopped. Default 2000 ms. */
  graceMs?: number;
  /**
   * How long to keep reading after the program exits while a background descendant still holds
   * its stdout/stderr open. Default 500 ms; after that the pipes are closed and the run ends.
   */
  drainMs?: number;
  /** Head/tail capture per stream. Default 64 KiB each. */
  output?: OutputLimits;
  /** Where the base variables (PATH, HOME, ...) come from. Default process.env. */
  parentEnv?: NodeJS.ProcessEnv;
  /** Default process.platform; tests of the command line may pass another. */
  platform?: NodeJS.Platform;
  /** Owns the timeout and grace timers. Default systemClock. */
  clock?: Clock;
  logger?: Logger;
}

/** Runs shell actions as child processes: no shell unless the action asks for script mode. */
export class ShellRunner implements ActionRunner<ShellAction> {
  readonly #graceMs: number;
  readonly #drainMs: number;
  readonly #output: OutputLimits;
  readonly #parentEnv: NodeJS.ProcessEnv;
  readonly #platform: NodeJS.Platform;
  readonly #clock: Clock;
  readonly #logger: Logger;

  constructor(options: ShellRunnerOptions = {}) {
    this.#graceMs = options.graceMs ?? 2000;
    this.#drainMs = options.drainMs ?? 500;
    this.#output = options.output ?? {};
    this.#parentEnv = options.parentEnv ?? process.env;
    this.#platform = options.platform ?? process.platform;
    this.#clock = options.clock ?? systemClock;
    this.#logger = options.logger ?? silentLogger;
  }

  async run(action: ShellAction, context: RunContext): Promise<RunOutcome> {
    if (context.signal.aborted) {
      return {
        status: abortedStatus(context.signal.reason),
        exitCode: null,
        error: abortMessage(context.signal.reason),
      };
    }
    const { program, args, windowsVerbatimArguments } = commandLine(action);
    const stdout = new OutputBuffer(this.#output);
    const stderr = new OutputBuffer(this.#output);
    const run = runSignal(context, this.#clock);
    const posix = this.#platform !== 'win32';

    return new Promise<RunOutcome>((resolve) => {
      let settled = false;
      let abortReason: unknown = undefined;
      let aborted = false;
      let exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
      let drainTimer: ReturnType<Clock['setTimer']> | null = null;

      const child = spawn(program, args, {
        cwd: action.cwd,
        env: {
          ...childEnv(action, this.#parentEnv, this.#platform),
          ...parentRunEnv(context.parent),
        },
        shell: false,
        // A group leader on POSIX, so the whole tree can be signalled at once.
        detached: posix,
        windowsHide: true,
        windowsVerbatimArguments,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
      child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));

      const finish = (outcome: RunOutcome): void => {
        if (settled) return;
        settled = true;
        run.signal.removeEventListener('abort', onAbort);
        run.dispose();
        if (drainTimer !== null) this.#clock.clearTimer(drainTimer);
        resolve({ ...outcome, stdout: stdout.result(), stderr: stderr.result() });
      };

      const onAbort = (): void => {
        if (aborted || exit !== null) return;
        aborted = true;
        abortReason = run.signal.reason;
        const pid = child.pid;
        if (pid === undefined) return;
        this.#logger.debug(
          `ShellRunner: stopping run ${context.runId} (pid ${pid}): ${abortMessage(abortReason)}`,
        );
        killTree(pid, 'SIGTERM', this.#platform);
        if (posix) {
          // Sent even if the leader is gone: descendants that ignore SIGTERM may still be in the group.
          this.#clock.setTimer(() => killTree(pid, 'SIGKILL', this.#platform), this.#graceMs);
        }
      };

      const outcomeAfterExit = (): RunOutcome => {
        const { code, signal } = exit ?? { code: null, signal: null };
        if (aborted)
          return {
            status: abortedStatus(abortReason),
            exitCode: code,
            error: abortMessage(abortReason),
          };
        if (code === 0) return { status: 'succeeded', exitCode: 0, error: null };
        if (code !== null)
          return { status: 'failed', exitCode: code, error: `exited with code ${code}` };
        return {
          status: 'failed',
          exitCode: null,
          error: `terminated by signal ${signal ?? 'unknown'}`,
        };
      };

      child.on('error', (error: NodeJS.ErrnoException) => {
        if (exit !== null) return;
        const hint =
          error.code === 'ENOENT'
            ? `; check the program name, that it is on PATH (${childEnv(action, this.#parentEnv, this.#platform).PATH ?? 'unset'}) and the working directory exists`
            : '';
        finish({
          status: 'failed',
          exitCode: null,
          error: `Could not start '${program}': ${error.message}${hint}`,
        });
      });
      child.on('exit', (code, signal) => {
        exit = { code, signal };
        // A background descendant may keep the pipes open forever; read a little longer, then stop.
        drainTimer = this.#clock.setTimer(() => {
          child.stdout.destroy();
          child.stderr.destroy();
          finish(outcomeAfterExit());
        }, this.#drainMs);
      });
      child.on('close', () => {
        if (exit !== null) finish(outcomeAfterExit());
      });
      run.signal.addEventListener('abort', onAbort, { once: true });
      if (run.signal.aborted) onAbort();
    });
  }
}
