import type { DashboardStats } from '../../../../main/api/contract.js';
import { formatAbsolute, formatDuration } from '../../format/time-format.js';

type Series = DashboardStats['durations'];

const WIDTH = 640;
const HEIGHT = 200;
const PAD = { left: 56, right: 12, top: 10, bottom: 24 };
/** Series beyond this many are left out of the chart (and named below it) to stay legible. */
const MAX_SERIES = 6;

/**
 * Run durations per task over time, drawn as plain SVG: no chart library, nothing injected into
 * the page's styles, and colors come from the stylesheet (series-N classes) so both themes work.
 */
export function DurationChart({ series }: { series: Series }) {
  const shown = series.filter((s) => s.points.length > 0).slice(0, MAX_SERIES);
  const points = shown.flatMap((s) => s.points);
  if (points.length === 0) {
    return (
      <p className="empty" data-testid="chart-empty">
        No finished runs to chart yet.
      </p>
    );
  }
  const minAt = Math.min(...points.map((p) => p.at));
  const maxAt = Math.max(...points.map((p) => p.at));
  const maxMs = Math.max(1, ...points.map((p) => p.durationMs));
  const x = (at: number) =>
    PAD.left +
    (maxAt === minAt ? 0.5 : (at - minAt) / (maxAt - minAt)) * (WIDTH - PAD.left - PAD.right);
  const y = (ms: number) => HEIGHT - PAD.bottom - (ms / maxMs) * (HEIGHT - PAD.top - PAD.bottom);
  const hidden = series.length - shown.length;

  return (
    <figure className="chart">
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-label={`Run durations over time for ${shown.map((s) => s.name).join(', ')}; longest ${formatDuration(maxMs)}`}
        preserveAspectRatio="xMidYMid meet"
      >
        <line
          className="axis"
          x1={PAD.left}
          y1={HEIGHT - PAD.bottom}
          x2={WIDTH - PAD.right}
          y2={HEIGHT - PAD.bottom}
        />
        <line className="axis" x1={PAD.left} y1={PAD.top} x2={PAD.left} y2={HEIGHT - PAD.bottom} />
        <text className="axis-label" x={PAD.left - 6} y={PAD.top + 8} textAnchor="end">
          {formatDuration(maxMs)}
        </text>
        <text className="axis-label" x={PAD.left - 6} y={HEIGHT - PAD.bottom} textAnchor="end">
          0
        </text>
        <text className="axis-label" x={PAD.left} y={HEIGHT - 6}>
          {new Date(minAt).toLocaleString()}
        </text>
        <text className="axis-label" x={WIDTH - PAD.right} y={HEIGHT - 6} textAnchor="end">
          {new Date(maxAt).toLocaleString()}
        </text>
        {shown.map((s, i) => {
          const sorted = [...s.points].sort((a, b) => a.at - b.at);
          return (
            <g key={s.taskId} className={`series series-${i}`}>
              <polyline points={sorted.map((p) => `${x(p.at)},${y(p.durationMs)}`).join(' ')} />
              {sorted.map((p) => (
                <circle
                  key={p.at}
                  cx={x(p.at)}
                  cy={y(p.durationMs)}
                  r={3}
                  className={p.status === 'succeeded' ? '' : 'bad-point'}
                >
                  <title>{`${s.name}: ${formatDuration(p.durationMs)} at ${formatAbsolute(p.at)} (${p.status})`}</title>
                </circle>
              ))}
            </g>
          );
        })}
      </svg>
      <figcaption>
        <ul className="legend">
          {shown.map((s, i) => (
            <li key={s.taskId}>
              <span className={`swatch series-${i}`} aria-hidden="true" /> {s.name}
            </li>
          ))}
        </ul>
        {hidden > 0 && <p className="muted">{hidden} more tasks not drawn.</p>}
      </figcaption>
    </figure>
  );
}
