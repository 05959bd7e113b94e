import { spawn } from 'node:child_process';
import type { ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import type { ShellAction } from '../model/action.js';
import type { Clock, TimerHandle } from '../time/clock.js';
import type { Logger } from '../log/logger.js';
import type { RunContext, RunOutcome } from './runner.js';
import type { OutputLimits } from './output-buffer.js';
import { OutputBuffer } from './output-buffer.js';
import { killTree } from './process-tree.js';
import { abortMessage, abortedStatus, runSignal } from './run-signal.js';
import { childEnv, commandLine } from './shell-env.js';
import { parentRunEnv } from './parent-run.js';

export interface ShellProcessOptions {
  graceMs: number;
  drainMs: number;
  output: OutputLimits;
  parentEnv: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  clock: Clock;
  logger: Logger;
}

/**
 * One run of a shell action, from spawn to outcome: output capture, the stop of the whole process
 * tree on abort or timeout, and the short drain after exit. `outcome` settles exactly once.
 */
export class ShellProcess {
  readonly outcome: Promise<RunOutcome>;
  readonly #o: ShellProcessOptions;
  readonly #context: RunContext;
  readonly #program: string;
  readonly #env: NodeJS.ProcessEnv;
  readonly #stdout: OutputBuffer;
  readonly #stderr: OutputBuffer;
  readonly #run: ReturnType<typeof runSignal>;
  readonly #child: ChildProcessByStdio<null, Readable, Readable>;
  #resolve!: (outcome: RunOutcome) => void;
  #settled = false;
  #aborted = false;
  #abortReason: unknown = undefined;
  #exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  #drainTimer: TimerHandle | null = null;
  readonly #onAbort = (): void => this.#stop();

  constructor(action: ShellAction, context: RunContext, options: ShellProcessOptions) {
    this.#o = options;
    this.#context = context;
    this.outcome = new Promise<RunOutcome>((resolve) => (this.#resolve = resolve));
    this.#stdout = new OutputBuffer(options.output);
    this.#stderr = new OutputBuffer(options.output);
    this.#run = runSignal(context, options.clock);
    const { program, args, windowsVerbatimArguments } = commandLine(action);
    this.#program = program;
    this.#env = childEnv(action, options.parentEnv, options.platform);
    this.#child = spawn(program, args, {
      cwd: action.cwd,
      env: { ...this.#env, ...parentRunEnv(context.parent) },
      shell: false,
      // A group leader on POSIX, so the whole tree can be signalled at once.
      detached: this.#posix,
      windowsHide: true,
      windowsVerbatimArguments,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.#child.stdout.on('data', (chunk: Buffer) => this.#stdout.push(chunk));
    this.#child.stderr.on('data', (chunk: Buffer) => this.#stderr.push(chunk));
    this.#child.on('error', (error: NodeJS.ErrnoException) => this.#failedToStart(error));
    this.#child.on('exit', (code, signal) => this.#exited(code, signal));
    this.#child.on('close', () => {
      if (this.#exit !== null) this.#finish(this.#outcomeAfterExit());
    });
    this.#run.signal.addEventListener('abort', this.#onAbort, { once: true });
    if (this.#run.signal.aborted) this.#stop();
  }

  get #posix(): boolean {
    return this.#o.platform !== 'win32';
  }

  #finish(outcome: RunOutcome): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#run.signal.removeEventListener('abort', this.#onAbort);
    this.#run.dispose();
    if (this.#drainTimer !== null) this.#o.clock.clearTimer(this.#drainTimer);
    this.#resolve({ ...outcome, stdout: this.#stdout.result(), stderr: this.#stderr.result() });
  }

  #stop(): void {
    if (this.#aborted || this.#exit !== null) return;
    this.#aborted = true;
    this.#abortReason = this.#run.signal.reason;
    const pid = this.#child.pid;
    if (pid === undefined) return;
    this.#o.logger.debug(
      `ShellRunner: stopping run ${this.#context.runId} (pid ${pid}): ${abortMessage(this.#abortReason)}`,
    );
    killTree(pid, 'SIGTERM', this.#o.platform);
    if (this.#posix) {
      // Sent even if the leader is gone: descendants that ignore SIGTERM may still be in the group.
      this.#o.clock.setTimer(() => killTree(pid, 'SIGKILL', this.#o.platform), this.#o.graceMs);
    }
  }

  #failedToStart(error: NodeJS.ErrnoException): void {
    if (this.#exit !== null) return;
    const hint =
      error.code === 'ENOENT'
        ? `; check the program name, that it is on PATH (${this.#env.PATH ?? 'unset'}) and the working directory exists`
        : '';
    this.#finish({
      status: 'failed',
      exitCode: null,
      error: `Could not start '${this.#program}': ${error.message}${hint}`,
    });
  }

  #exited(code: number | null, signal: NodeJS.Signals | null): void {
    this.#exit = { code, signal };
    // A background descendant may keep the pipes open forever; read a little longer, then stop.
    this.#drainTimer = this.#o.clock.setTimer(() => {
      this.#child.stdout.destroy();
      this.#child.stderr.destroy();
      this.#finish(this.#outcomeAfterExit());
    }, this.#o.drainMs);
  }

  #outcomeAfterExit(): RunOutcome {
    const { code, signal } = this.#exit ?? { code: null, signal: null };
    if (this.#aborted)
      return {
        status: abortedStatus(this.#abortReason),
        exitCode: code,
        error: abortMessage(this.#abortReason),
      };
    if (code === 0) return { status: 'succeeded', exitCode: 0, error: null };
    if (code !== null)
      return { status: 'failed', exitCode: code, error: `exited with code ${code}` };
    return {
      status: 'failed',
      exitCode: null,
      error: `terminated by signal ${signal ?? 'unknown'}`,
    };
  }
}
