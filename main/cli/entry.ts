#!/usr/bin/env node
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CliApi } from './api-client.js';
import type { Command, CommandContext } from './command.js';
import { COMMANDS } from './command-table.js';
import { dataDirOf, discover } from './discovery.js';
import { CliFailure, EXIT, usageError } from './exit-codes.js';
import type { ExitCode } from './exit-codes.js';
import { commandHelp, mainHelp } from './help-text.js';

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  signal: AbortSignal;
}

const GLOBAL_OPTIONS = {
  json: { type: 'boolean' },
  'data-dir': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

function parse(command: Command, argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      options: { ...command.options, ...GLOBAL_OPTIONS },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    // node:util names the argument ("Unknown option '--foo'"); keep that, add the usage line.
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw usageError(`crontray ${command.name}: ${reason}`, command.usage);
  }
}

function checkPositionals(command: Command, positionals: string[]): void {
  const rest = command.positionals.at(-1)?.endsWith('...') ?? false;
  if (positionals.length < command.required) {
    const missing = command.positionals[positionals.length] ?? 'argument';
    throw usageError(
      `crontray ${command.name}: ${missing.replace('...', '')} is missing`,
      command.usage,
    );
  }
  if (!rest && positionals.length > command.positionals.length) {
    throw usageError(
      `crontray ${command.name}: unexpected argument '${positionals[command.positionals.length]}'`,
      command.usage,
    );
  }
}

async function runCommand(
  command: Command,
  argv: string[],
  io: CliIo,
  wantsJson: boolean,
): Promise<ExitCode> {
  const { values, positionals } = parse(command, argv);
  if (values.help) {
    io.out(commandHelp(command));
    return EXIT.ok;
  }
  checkPositionals(command, positionals);
  const dataDir = dataDirOf(
    typeof values['data-dir'] === 'string' ? values['data-dir'] : undefined,
  );
  let api: CliApi | null = null;
  const context: CommandContext = {
    values,
    positionals,
    json: wantsJson,
    dataDir,
    api: async () => (api ??= new CliApi(await discover(dataDir))),
    out: io.out,
    err: io.err,
    signal: io.signal,
  };
  return command.run(context);
}

/** Runs `crontray ARGV`; resolves with the exit code. Never throws. */
export async function main(argv: string[], io: CliIo): Promise<ExitCode> {
  const wantsJson = argv.includes('--json');
  // Global flags may come before the command too: `crontray --data-dir D --json list`.
  const leading: string[] = [];
  let at = 0;
  while (at < argv.length && /^--(json|data-dir)(=|$)/.test(argv[at] ?? '')) {
    const flag = argv[at++] ?? '';
    leading.push(flag);
    if (flag === '--data-dir' && at < argv.length) leading.push(argv[at++] ?? '');
  }
  const [name, ...afterName] = argv.slice(at);
  const rest = [...leading, ...afterName];
  try {
    if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
      io.out(mainHelp(COMMANDS));
      return name === undefined ? EXIT.usage : EXIT.ok;
    }
    const command = COMMANDS.find((c) => c.name === name);
    if (!command) {
      throw usageError(
        `crontray: unknown command '${name}'; the commands are ${COMMANDS.map((c) => c.name).join(', ')}`,
        'crontray COMMAND [ARGS] [--json] [--data-dir DIR]',
      );
    }
    return await runCommand(command, rest, io, wantsJson);
  } catch (error) {
    const failure =
      error instanceof CliFailure
        ? error
        : new CliFailure(
            `crontray: ${error instanceof Error ? error.message : String(error)}`,
            EXIT.failed,
            'internal',
          );
    if (wantsJson) {
      io.out(
        JSON.stringify(
          { error: { code: failure.code, message: failure.message, exitCode: failure.exitCode } },
          null,
          2,
        ),
      );
    } else io.err(failure.message);
    return failure.exitCode;
  }
}

/** True when node runs this file, also through npm's `bin` symlink. */
function invokedDirectly(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(script) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}

if (invokedDirectly()) {
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  process.once('SIGTERM', () => controller.abort());
  void main(process.argv.slice(2), {
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
    signal: controller.signal,
  }).then((code) => {
    // Exit now: idle keep-alive sockets would hold the process open for seconds. Writes to
    // pipes and files are synchronous on POSIX, so nothing printed is lost.
    process.exit(code);
  });
}
