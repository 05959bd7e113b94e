import type { RunStatus } from '../../../../main/core/model/run.js';
import type { TimelineRange } from '../../../../main/api/contract.js';
import type { TimelineRow, Viewport } from './timeline-layout.js';
import {
  AXIS_HEIGHT,
  LABEL_WIDTH,
  lowerBound,
  MIN_BAR_PX,
  ROW_HEIGHT,
  tickStep,
  xOf,
} from './timeline-layout.js';

/** Colours read from the stylesheet, so the canvas follows the light or dark theme. */
export interface Palette {
  fg: string;
  muted: string;
  border: string;
  card: string;
  ok: string;
  bad: string;
  warn: string;
  info: string;
  accent: string;
}

/** Reads each colour through a probe element: custom properties hold light-dark() pairs. */
export function readPalette(host: HTMLElement): Palette {
  const probe = document.createElement('span');
  host.appendChild(probe);
  const read = (name: string) => {
    probe.style.color = `var(--${name})`;
    return getComputedStyle(probe).color;
  };
  const palette: Palette = {
    fg: read('fg'),
    muted: read('muted'),
    border: read('border'),
    card: read('card'),
    ok: read('ok'),
    bad: read('bad'),
    warn: read('warn'),
    info: read('info'),
    accent: read('accent'),
  };
  probe.remove();
  return palette;
}

export function statusColor(status: RunStatus, p: Palette): string {
  if (status === 'succeeded') return p.ok;
  if (status === 'failed' || status === 'timed-out' || status === 'interrupted') return p.bad;
  if (status === 'running' || status === 'queued') return p.info;
  return p.warn; // skipped, missed, canceled
}

/** Runs that never started are drawn as marks of their own, not bars. */
const MARKED: ReadonlySet<RunStatus> = new Set(['skipped', 'missed']);

/** Draws what is in view: only the visible rows, and in each only the runs inside the span. */
export function drawTimeline(
  ctx: CanvasRenderingContext2D,
  size: { width: number; height: number },
  rows: readonly TimelineRow[],
  range: TimelineRange,
  view: Viewport,
  p: Palette,
): void {
  const { width, height } = size;
  ctx.clearRect(0, 0, width, height);
  ctx.font = '12px system-ui, sans-serif';
  ctx.textBaseline = 'middle';
  const first = Math.floor(view.scrollY / ROW_HEIGHT);
  const last = Math.min(rows.length, first + Math.ceil((height - AXIS_HEIGHT) / ROW_HEIGHT) + 1);
  const top = (i: number) => AXIS_HEIGHT + i * ROW_HEIGHT - view.scrollY;
  const span = view.to - view.from;
  const slackMs = (span / (width - LABEL_WIDTH)) * MIN_BAR_PX;

  ctx.save();
  ctx.beginPath();
  ctx.rect(LABEL_WIDTH, AXIS_HEIGHT, width - LABEL_WIDTH, height - AXIS_HEIGHT);
  ctx.clip();
  for (const w of range.windows) {
    // Quiet and jitter windows: a shaded span behind their task's row, or behind every row.
    ctx.fillStyle = w.kind === 'quiet' ? `${p.muted}` : p.info;
    ctx.globalAlpha = 0.12;
    const x0 = xOf(w.from, view, width);
    const x1 = xOf(w.to, view, width);
    if (w.taskId === null) ctx.fillRect(x0, AXIS_HEIGHT, x1 - x0, height);
    else {
      const i = rows.findIndex((r) => r.task.taskId === w.taskId);
      if (i >= first && i < last) ctx.fillRect(x0, top(i) + 2, x1 - x0, ROW_HEIGHT - 4);
    }
    ctx.globalAlpha = 1;
  }
  for (let i = first; i < last; i++) {
    const row = rows[i]!;
    const y = top(i);
    if (i % 2 === 1) {
      ctx.fillStyle = p.border;
      ctx.globalAlpha = 0.25;
      ctx.fillRect(LABEL_WIDTH, y, width - LABEL_WIDTH, ROW_HEIGHT);
      ctx.globalAlpha = 1;
    }
    // Past runs: a bar from start to end; skipped and missed as a diamond at their due time.
    for (
      let j = Math.max(
        0,
        lowerBound(row.past, view.from - span, (r) => r.at),
      );
      j < row.past.length;
      j++
    ) {
      const run = row.past[j]!;
      if (run.at > view.to + slackMs) break;
      const end = run.endedAt ?? (run.status === 'running' ? range.now : run.at);
      if (end < view.from - slackMs) continue;
      const x0 = xOf(run.at, view, width);
      ctx.fillStyle = statusColor(run.status, p);
      if (MARKED.has(run.status)) {
        diamond(ctx, x0, y + ROW_HEIGHT / 2, 5);
        continue;
      }
      const w = Math.max(MIN_BAR_PX, xOf(end, view, width) - x0);
      ctx.fillRect(x0, y + 5, w, ROW_HEIGHT - 10);
    }
    // Coming runs: thin ticks; a task with more than we were sent is a band to the range's end.
    ctx.fillStyle = p.accent;
    for (
      let j = lowerBound(row.coming, view.from - slackMs, (t) => t);
      j < row.coming.length;
      j++
    ) {
      const at = row.coming[j]!;
      if (at > view.to + slackMs) break;
      ctx.fillRect(xOf(at, view, width) - 1, y + 4, 2, ROW_HEIGHT - 8);
    }
    if (row.comingTruncated && row.coming.length > 0) {
      ctx.globalAlpha = 0.3;
      const x0 = xOf(row.coming[row.coming.length - 1]!, view, width);
      ctx.fillRect(x0, y + 8, xOf(range.to, view, width) - x0, ROW_HEIGHT - 16);
      ctx.globalAlpha = 1;
    }
  }
  drawLines(ctx, size, range, view, p);
  ctx.restore();
  drawLabels(ctx, rows, first, last, top, p);
  drawAxis(ctx, width, view, p);
}

function diamond(ctx: CanvasRenderingContext2D, x: number, y: number, r: number): void {
  ctx.beginPath();
  ctx.moveTo(x, y - r);
  ctx.lineTo(x + r, y);
  ctx.lineTo(x, y + r);
  ctx.lineTo(x - r, y);
  ctx.closePath();
  ctx.fill();
}

/** The 'now' line, and a dashed line at each clock change. */
function drawLines(
  ctx: CanvasRenderingContext2D,
  size: { width: number; height: number },
  range: TimelineRange,
  view: Viewport,
  p: Palette,
): void {
  ctx.strokeStyle = p.warn;
  ctx.setLineDash([4, 4]);
  for (const d of range.dst) {
    const x = Math.round(xOf(d.at, view, size.width)) + 0.5;
    ctx.beginPath();
    ctx.moveTo(x, AXIS_HEIGHT);
    ctx.lineTo(x, size.height);
    ctx.stroke();
  }
  ctx.setLineDash([]);
  ctx.strokeStyle = p.bad;
  const x = Math.round(xOf(range.now, view, size.width)) + 0.5;
  ctx.beginPath();
  ctx.moveTo(x, AXIS_HEIGHT);
  ctx.lineTo(x, size.height);
  ctx.stroke();
}

function drawLabels(
  ctx: CanvasRenderingContext2D,
  rows: readonly TimelineRow[],
  first: number,
  last: number,
  top: (i: number) => number,
  p: Palette,
): void {
  ctx.save();
  ctx.beginPath();
  ctx.rect(0, AXIS_HEIGHT, LABEL_WIDTH - 6, 100_000);
  ctx.clip();
  for (let i = first; i < last; i++) {
    const row = rows[i]!;
    ctx.fillStyle = row.task.enabled ? p.fg : p.muted;
    ctx.fillText(`${row.task.name}  ·  ${row.task.project}`, 6, top(i) + ROW_HEIGHT / 2);
  }
  ctx.restore();
}

function drawAxis(ctx: CanvasRenderingContext2D, width: number, view: Viewport, p: Palette): void {
  ctx.fillStyle = p.card;
  ctx.fillRect(0, 0, width, AXIS_HEIGHT);
  ctx.strokeStyle = p.border;
  ctx.beginPath();
  ctx.moveTo(0, AXIS_HEIGHT - 0.5);
  ctx.lineTo(width, AXIS_HEIGHT - 0.5);
  ctx.stroke();
  const step = tickStep(view.to - view.from, width - LABEL_WIDTH);
  // Ticks on local wall-clock boundaries: the zone offset is taken from each tick's own date.
  const offset = new Date(view.from).getTimezoneOffset() * 60_000;
  let t = Math.ceil((view.from - offset) / step) * step + offset;
  ctx.fillStyle = p.muted;
  for (; t <= view.to; t += step) {
    const x = xOf(t, view, width);
    if (x < LABEL_WIDTH) continue;
    const d = new Date(t);
    const midnight = d.getHours() === 0 && d.getMinutes() === 0;
    const text = midnight
      ? d.toLocaleDateString(undefined, { weekday: 'short', day: 'numeric', month: 'short' })
      : d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
    ctx.fillRect(Math.round(x), AXIS_HEIGHT - 6, 1, 6);
    ctx.fillText(text, x + 3, AXIS_HEIGHT / 2);
  }
}
