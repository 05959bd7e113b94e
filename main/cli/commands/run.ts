import type { RunSummary } from '../../api/contract.js';
import type { CliApi } from '../api-client.js';
import type { Command } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { emit } from '../output.js';
import { describeRun } from '../run-output.js';
import { findTask } from '../task-lookup.js';

const POLL_MS = 200;

/** Waits until the run is over; Run now answers as soon as the run has started. */
async function finished(api: CliApi, run: RunSummary, signal: AbortSignal): Promise<RunSummary> {
  let current = run;
  while ((current.status === 'running' || current.status === 'queued') && !signal.aborted) {
    await new Promise((r) => setTimeout(r, POLL_MS));
    const page = await api.call('history:runs', { taskId: run.taskId, limit: 50 });
    current = page.items.find((r) => r.runId === run.runId) ?? current;
  }
  return current;
}

export const runCommand: Command = {
  name: 'run',
  summary: 'run a task now and wait for it; prints its output',
  usage: 'crontray run NAME',
  details:
    'NAME is a task name, project/name, project/group/name or a task id. Exits 0 when the run succeeded and 6 when it ended otherwise (failed, timed out, skipped because one was running…).',
  positionals: ['NAME'],
  required: 1,
  async run(context) {
    const api = await context.api();
    const task = await findTask(api, context.positionals[0] ?? '');
    const started = await api.call('tasks:runNow', { id: task.id });
    const run = await finished(api, started, context.signal);
    const record = await api
      .call('history:run', {
        project: run.project,
        group: run.group,
        name: run.name,
        runId: run.runId,
      })
      .catch(() => null);
    emit(context, record ?? run, () => describeRun(record ?? run));
    return run.status === 'succeeded' ? EXIT.ok : EXIT.runFailed;
  },
};
