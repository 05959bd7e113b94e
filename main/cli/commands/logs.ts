import { z } from 'zod';
import type { Command } from '../command.js';
import { CliFailure, EXIT, usageError } from '../exit-codes.js';
import { describeRun } from '../run-output.js';
import { findTask } from '../task-lookup.js';

const USAGE = 'crontray logs NAME [--limit N] [--follow]';
const limitSchema = z.coerce
  .number({ error: '--limit must be a number' })
  .int('--limit must be a whole number')
  .min(1, '--limit must be at least 1')
  .max(1000, '--limit must be at most 1000');

export const logsCommand: Command = {
  name: 'logs',
  summary: "a task's latest runs with their output; --follow prints new runs as they end",
  usage: USAGE,
  details:
    'Prints the last --limit runs (default 5), oldest first. With --follow it then waits and prints each run of the task as it ends, until Ctrl-C; with --json each run is one JSON line.',
  options: { limit: { type: 'string' }, follow: { type: 'boolean' } },
  positionals: ['NAME'],
  required: 1,
  async run(context) {
    const limit = limitSchema.safeParse(context.values.limit ?? '5');
    if (!limit.success)
      throw usageError(limit.error.issues[0]?.message ?? '--limit is invalid', USAGE);
    const api = await context.api();
    const task = await findTask(api, context.positionals[0] ?? '');
    const follow = context.values.follow === true;
    const print = (value: unknown, text: string) =>
      context.out(context.json ? JSON.stringify(value) : `${text}\n`);
    const page = await api.call('history:runs', { taskId: task.id, limit: limit.data });
    const records = [];
    for (const run of [...page.items].reverse()) {
      const key = { project: run.project, group: run.group, name: run.name, runId: run.runId };
      records.push((await api.call('history:run', key).catch(() => null)) ?? run);
    }
    if (!follow) {
      if (context.json) context.out(JSON.stringify(records, null, 2));
      else
        context.out(
          records.length ? records.map(describeRun).join('\n\n') : `No runs of ${task.name} yet.`,
        );
      return EXIT.ok;
    }
    for (const record of records) print(record, describeRun(record));
    if (!context.json)
      context.err(`Following ${task.project}/${task.group}/${task.name}; Ctrl-C stops.`);
    let queue = Promise.resolve();
    await api.follow((event, payload) => {
      if (event !== 'run:finished') return;
      const run = payload as {
        taskId: string;
        project: string;
        group: string;
        name: string;
        runId: string;
      };
      if (run.taskId !== task.id) return;
      // In arrival order: each record is read once its run has ended.
      queue = queue.then(async () => {
        const key = { project: run.project, group: run.group, name: run.name, runId: run.runId };
        const record = await api.call('history:run', key).catch(() => null);
        if (record) print(record, describeRun(record));
      });
    }, context.signal);
    await queue;
    if (!context.signal.aborted) {
      throw new CliFailure(
        'Crontray stopped while its runs were being followed.',
        EXIT.notRunning,
        'not-running',
      );
    }
    return EXIT.ok;
  },
};
