import type { RunSummary } from '../api/contract.js';
import type { BoundedOutput, RunRecord } from '../core/model/run.js';

function stream(label: string, output: BoundedOutput | null): string[] {
  if (!output || output.totalBytes === 0) return [];
  const body = output.truncated
    ? `${output.head}\n… (${output.totalBytes} bytes in all; the middle is not kept) …\n${output.tail}`
    : output.head + output.tail;
  return [`--- ${label} ---`, body.replace(/\n$/, '')];
}

/** A run as text: one header line, then its error and output. */
export function describeRun(run: RunSummary | RunRecord): string {
  const started = run.startedAt === null ? 'not started' : new Date(run.startedAt).toISOString();
  const took =
    run.startedAt !== null && run.endedAt !== null ? ` in ${run.endedAt - run.startedAt} ms` : '';
  const exit = run.exitCode === null ? '' : `, exit code ${run.exitCode}`;
  const lines = [
    `${run.project}/${run.group}/${run.name} run ${run.runId}: ${run.status}${took}${exit} (${run.trigger}, started ${started})`,
  ];
  if (run.error) lines.push(`error: ${run.error}`);
  if ('stdout' in run) lines.push(...stream('stdout', run.stdout), ...stream('stderr', run.stderr));
  return lines.join('\n');
}
