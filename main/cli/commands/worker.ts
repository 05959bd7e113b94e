import type { Command } from '../command.js';
import type { ExitCode } from '../exit-codes.js';
import { WORKER_OPTIONS, WORKER_USAGE, runWorkerCommand } from '../worker-command.js';

/** Every line of the worker's own help after its usage line. */
const DETAILS = WORKER_USAGE.split('\n').slice(2).join('\n');

/**
 * `crontray worker`: the same worker as `npm run worker` (worker-entry.js), with the same flags
 * and exit codes. It talks to Redis, not to a running Crontray, so --data-dir and --json do not
 * apply to it.
 */
export const workerCommand: Command = {
  name: 'worker',
  summary: 'run the tasks a controller puts on a cluster queue (BullMQ on Redis)',
  usage:
    'crontray worker --redis URL --queue NAME [--concurrency N] [--key-file PATH] [--name NAME]',
  details: DETAILS,
  options: WORKER_OPTIONS,
  positionals: [],
  required: 0,
  async run(context) {
    const argv: string[] = [];
    for (const flag of Object.keys(WORKER_OPTIONS)) {
      const value = context.values[flag];
      if (typeof value === 'string') argv.push(`--${flag}`, value);
    }
    // runWorkerCommand only answers 0, 1 or 2, which are the command line's codes too.
    return (await runWorkerCommand(argv, undefined, context.signal)) as ExitCode;
  },
};
