import type { Command } from './command.js';
import { addCommand } from './commands/add.js';
import { exportCommand } from './commands/export.js';
import { importCommand } from './commands/import.js';
import { listCommand } from './commands/list.js';
import { logsCommand } from './commands/logs.js';
import { runCommand } from './commands/run.js';
import { disableCommand, enableCommand } from './commands/set-enabled.js';
import { statusCommand } from './commands/status.js';
import { workerCommand } from './commands/worker.js';

/** Every subcommand, in the order `crontray --help` lists them. Add a command here. */
export const COMMANDS: readonly Command[] = [
  statusCommand,
  listCommand,
  runCommand,
  logsCommand,
  enableCommand,
  disableCommand,
  addCommand,
  importCommand,
  exportCommand,
  workerCommand,
];
