/**
 * What `crontray` exits with, for scripts. Documented in the README ("Command line") and in
 * `crontray --help`; never renumber, only add.
 */
export const EXIT = {
  /** Done. */
  ok: 0,
  /** The app answered with an error (invalid input, a conflict, a locked task), or a file could not be read or written. */
  failed: 1,
  /** Bad arguments: a usage line names the argument. */
  usage: 2,
  /** Crontray is not running (or not answering) for this data folder. */
  notRunning: 3,
  /** The app refused the token in the data folder. */
  unauthorized: 4,
  /** No task with that name. */
  notFound: 5,
  /** `run`: the run ended, but not successfully (failed, timed out, canceled…). */
  runFailed: 6,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A failure with the exit code it ends the command with; its message is shown as it is. */
export class CliFailure extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
    readonly code: string = 'failed',
  ) {
    super(message);
    this.name = 'CliFailure';
  }
}

export const usageError = (message: string, usage: string) =>
  new CliFailure(`${message}\nUsage: ${usage}`, EXIT.usage, 'usage');
