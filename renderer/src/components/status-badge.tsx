import type { RunStatus } from '../../../main/core/model/run.js';

const LABELS: Record<RunStatus, string> = {
  queued: 'queued',
  running: 'running',
  succeeded: 'succeeded',
  failed: 'failed',
  'timed-out': 'timed out',
  skipped: 'skipped',
  missed: 'missed',
  canceled: 'canceled',
  interrupted: 'interrupted',
};

export function statusLabel(status: RunStatus): string {
  return LABELS[status];
}

/** A run status as a colored word; the word carries the meaning, the color only helps. */
export function StatusBadge({ status }: { status: RunStatus }) {
  return <span className={`status status-${status}`}>{LABELS[status]}</span>;
}
