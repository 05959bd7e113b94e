import { statusLabel } from '../../components/status-badge.js';
import { formatAbsolute, formatDuration, formatRelative } from '../../format/time-format.js';
import type { Hit } from './timeline-layout.js';

/** Details of the run or coming run under the pointer. */
export function TimelineTooltip({
  hover,
  now,
}: {
  hover: { hit: Hit; x: number; y: number };
  now: number;
}) {
  const { hit, x, y } = hover;
  const task = hit.row.task;
  return (
    <div className="timeline-tooltip" role="tooltip" style={{ left: x + 12, top: y + 12 }}>
      <strong>{task.name}</strong>{' '}
      <span className="muted">
        {task.project}/{task.group}
      </span>
      {hit.kind === 'past' && (
        <>
          <div>
            {statusLabel(hit.run.status)} · {formatAbsolute(hit.run.at)} (
            {formatRelative(hit.run.at, now)})
          </div>
          <div>Took {formatDuration(hit.run.durationMs)} · click to open the run</div>
        </>
      )}
      {hit.kind === 'coming' && (
        <>
          <div>
            Runs {formatRelative(hit.at, now)} · {formatAbsolute(hit.at)}
          </div>
          {task.timezone && (
            <div data-testid="timeline-task-time">
              {task.timezone}: {formatAbsolute(hit.at, task.timezone)}
            </div>
          )}
          <div>Click to open the task</div>
        </>
      )}
      {hit.kind === 'window' && (
        <>
          <div>
            {hit.window.kind === 'jitter'
              ? `Due ${formatAbsolute(hit.window.from)}; `
              : `${formatAbsolute(hit.window.from)} to ${formatAbsolute(hit.window.to)}: `}
            {hit.window.label}
          </div>
          <div>Click to open the task</div>
        </>
      )}
    </div>
  );
}
