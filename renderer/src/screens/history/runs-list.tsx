import type { RunSummary } from '../../../../main/api/contract.js';
import { StatusBadge } from '../../components/status-badge.js';
import { VirtualList } from '../../components/virtual-list.js';
import { formatAbsolute, formatDuration, formatRelative } from '../../format/time-format.js';
import { hrefOf } from '../../routing/route.js';

export const RUN_ROW_HEIGHT = 36;

/** Runs across tasks, newest first, rendering only the rows in view. */
export function RunsList({
  runs,
  now,
  selectedRunId,
  onNearEnd,
}: {
  runs: readonly RunSummary[];
  now: number;
  selectedRunId: string | null;
  onNearEnd?: () => void;
}) {
  return (
    <VirtualList
      label="Runs"
      items={runs}
      rowHeight={RUN_ROW_HEIGHT}
      getKey={(r) => r.runId}
      onNearEnd={onNearEnd}
      renderRow={(r) => {
        const at = r.startedAt ?? r.scheduledFor;
        return (
          <a
            className={`run-row${r.runId === selectedRunId ? ' selected' : ''}`}
            aria-current={r.runId === selectedRunId ? 'true' : undefined}
            href={hrefOf({
              screen: 'history',
              run: { project: r.project, group: r.group, name: r.name, runId: r.runId },
            })}
          >
            <StatusBadge status={r.status} />
            <span className="run-name">
              {r.name}
              <span className="muted">
                {' '}
                {r.project}/{r.group}
              </span>
            </span>
            <span className="run-trigger muted">{r.trigger}</span>
            <span className="run-time" title={at !== null ? formatAbsolute(at) : undefined}>
              {at !== null ? formatRelative(at, now) : '—'}
            </span>
            <span className="run-duration">{formatDuration(r.durationMs)}</span>
            {r.fromCache && <span className="tag">cached</span>}
          </a>
        );
      }}
    />
  );
}
