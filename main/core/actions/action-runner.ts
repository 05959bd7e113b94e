import type { Action, HttpAction, ScriptAction, ShellAction } from '../model/action.js';
import type { Logger } from '../log/logger.js';
import { silentLogger } from '../log/logger.js';
import type { ActionRunner, RunContext, RunOutcome } from './runner.js';
import { HttpRunner } from './http-runner.js';
import type { HttpRunnerOptions } from './http-runner.js';
import { ScriptRunner } from './script-runner.js';
import type { ScriptRunnerOptions } from './script-runner.js';
import { ShellRunner } from './shell-runner.js';
import type { ShellRunnerOptions } from './shell-runner.js';
import { Redactor, secretValuesOf } from './redaction.js';

export interface ActionDispatcherOptions {
  /** Runner for shell actions. Default a ShellRunner built from `shellOptions`. */
  shell?: ActionRunner<ShellAction>;
  /** Runner for http actions. Default an HttpRunner built from `httpOptions`. */
  http?: ActionRunner<HttpAction>;
  /** Runner for script actions. Default a ScriptRunner built from `scriptOptions`. */
  script?: ActionRunner<ScriptAction>;
  shellOptions?: ShellRunnerOptions;
  httpOptions?: HttpRunnerOptions;
  scriptOptions?: ScriptRunnerOptions;
  logger?: Logger;
}

/**
 * The engine's runner for stored actions: picks the runner by kind, masks the action's secret
 * values in whatever comes back, never lets a runner's exception escape, and can stop every run
 * in flight when the app quits (those runs end 'canceled').
 */
export class ActionDispatcher implements ActionRunner<Action> {
  readonly #shell: ActionRunner<ShellAction>;
  readonly #http: ActionRunner<HttpAction>;
  readonly #script: ActionRunner<ScriptAction>;
  readonly #logger: Logger;
  readonly #running = new Map<AbortController, Promise<RunOutcome>>();
  #closed = false;

  constructor(options: ActionDispatcherOptions = {}) {
    this.#logger = options.logger ?? silentLogger;
    this.#shell =
      options.shell ?? new ShellRunner({ logger: this.#logger, ...options.shellOptions });
    this.#http = options.http ?? new HttpRunner(options.httpOptions);
    this.#script = options.script ?? new ScriptRunner(options.scriptOptions);
  }

  /** Runs in flight. */
  get running(): number {
    return this.#running.size;
  }

  async run(action: Action, context: RunContext): Promise<RunOutcome> {
    if (this.#closed) {
      return {
        status: 'canceled',
        error: 'Not started: Crontray was shutting down.',
      };
    }
    const redactor = new Redactor(secretValuesOf(action));
    const controller = new AbortController();
    const signal = AbortSignal.any([context.signal, controller.signal]);
    const outcome = this.#dispatch(action, { ...context, signal }).catch(
      (error: unknown): RunOutcome => ({
        status: signal.aborted ? 'canceled' : 'failed',
        error: `The ${action.kind} action stopped on an unexpected error: ${error instanceof Error ? error.message : String(error)}`,
      }),
    );
    this.#running.set(controller, outcome);
    try {
      return redactor.redactOutcome(await outcome);
    } finally {
      this.#running.delete(controller);
    }
  }

  // async so a runner that throws synchronously still yields a rejected promise, caught in run().
  async #dispatch(action: Action, context: RunContext): Promise<RunOutcome> {
    switch (action.kind) {
      case 'shell':
        return this.#shell.run(action, context);
      case 'http':
        return this.#http.run(action, context);
      case 'script':
        return this.#script.run(action, context);
    }
  }

  /** Stops every run in flight (their trees are killed; they end 'canceled') and waits for them. */
  async killAll(reason = 'the app is quitting'): Promise<void> {
    const runs = [...this.#running];
    if (runs.length > 0)
      this.#logger.info(`ActionDispatcher: stopping ${runs.length} run(s): ${reason}`);
    for (const [controller] of runs) controller.abort(new Error(reason));
    await Promise.allSettled(runs.map(([, outcome]) => outcome));
  }

  /** Refuses new runs from now on, then stops the ones in flight. Call on quit. */
  async shutdown(reason = 'the app is quitting'): Promise<void> {
    this.#closed = true;
    await this.killAll(reason);
  }
}
