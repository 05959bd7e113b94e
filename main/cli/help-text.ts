import type { Command } from './command.js';

export const GLOBAL_FLAGS = `Flags for every command:
  --data-dir DIR  the data folder of the app to talk to (default: $CRONTRAY_DATA_DIR, else the desktop app's folder)
  --json          print one JSON document (errors too: {"error":{code,message,exitCode}})
  --help          show help for the command`;

export const EXIT_CODES = `Exit codes:
  0  done
  1  the app answered with an error, or a file could not be read or written
  2  bad arguments (a usage line names the argument)
  3  Crontray is not running for this data folder
  4  the app refused the token in the data folder
  5  no task with that name
  6  run: the run ended but did not succeed`;

export function mainHelp(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'Usage: crontray COMMAND [ARGS] [--json] [--data-dir DIR]',
    '',
    'Talks to the running Crontray (desktop app or headless mode) over its loopback API.',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    GLOBAL_FLAGS,
    '',
    EXIT_CODES,
    '',
    "'crontray COMMAND --help' shows a command's arguments.",
  ].join('\n');
}

export function commandHelp(command: Command): string {
  return [
    `Usage: ${command.usage} [--json] [--data-dir DIR]`,
    '',
    `${command.summary[0]?.toUpperCase() ?? ''}${command.summary.slice(1)}.`,
    ...(command.details ? ['', command.details] : []),
    '',
    GLOBAL_FLAGS,
    '',
    EXIT_CODES,
  ].join('\n');
}
