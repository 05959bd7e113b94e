import type { ParseArgsConfig } from 'node:util';
import type { CliApi } from './api-client.js';
import type { ExitCode } from './exit-codes.js';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

/** What a command gets: its parsed arguments, the connection (made on first use) and output. */
export interface CommandContext {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
  json: boolean;
  dataDir: string;
  /** Finds the running app and connects; throws "not running" when there is none. */
  api(): Promise<CliApi>;
  out(text: string): void;
  err(text: string): void;
  /** Aborted on Ctrl-C, for commands that follow something until stopped. */
  signal: AbortSignal;
}

/**
 * One `crontray` subcommand. Each lives in its own file under commands/ and is listed once in
 * command-table.ts, so adding one (e.g. `worker`) is a new file plus one line.
 */
export interface Command {
  name: string;
  /** One line for `crontray --help`. */
  summary: string;
  /** The usage line, without the global flags. */
  usage: string;
  /** Longer help for `crontray NAME --help`. */
  details?: string;
  /** Flags of this command; --json, --data-dir and --help are added to every command. */
  options?: OptionSpec;
  /** Names of the positional arguments, for usage errors; `...` at the end takes the rest. */
  positionals: string[];
  /** How many positionals are required. */
  required: number;
  run(context: CommandContext): Promise<ExitCode>;
}
