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
  const slackMs = ((view.to - view.from) / (width - LABEL_WIDTH)) * MIN_BAR_PX;

  ctx.save();
  ctx.beginPath();
  ctx.rect(LABEL_WIDTH, AXIS_HEIGHT, width - LABEL_WIDTH, height - AXIS_HEIGHT);
  ctx.clip();
  // Windows that are no task's own (none today) shade the whole height.
  begin(ctx, 0.15);
  for (const w of range.windows) {
    if (w.taskId !== null) continue;
    const x0 = xOf(w.from, view, width);
    rect(
      w.kind === 'quiet' ? p.muted : p.info,
      x0,
      AXIS_HEIGHT,
      xOf(w.to, view, width) - x0,
      height,
    );
  }
  flush(ctx);
  begin(ctx, 0.25);
  for (let i = first; i < last; i++) {
    const y = top(i);
    if (i % 2 === 1) rect(p.border, LABEL_WIDTH, y, width - LABEL_WIDTH, ROW_HEIGHT);
  }
  flush(ctx);
  begin(ctx, 0.18);
  for (let i = first; i < last; i++) drawWindows(rows[i]!, top(i), view, width, p);
  flush(ctx);
  begin(ctx, 1);
  for (let i = first; i < last; i++) drawRuns(rows[i]!, top(i), range, view, width, slackMs, p);
  flush(ctx);
  drawDiamonds(ctx);
  begin(ctx, 0.3);
  for (let i = first; i < last; i++) drawTruncated(rows[i]!, top(i), range, view, width, p);
  flush(ctx);
  drawLines(ctx, size, range, view, p);
  ctx.restore();
  drawLabels(ctx, rows, first, last, top, p);
  drawAxis(ctx, width, view, p);
}

/**
 * Rectangles go through here, so neighbours of one colour on one line are merged: at a week's
 * zoom a task running every half hour has its ticks a pixel or two apart, and a thousand such
 * rows would be tens of thousands of fillRect calls a frame (software canvas: some 6 µs each).
 * A single path of many rects measured slower still. State lives in module variables, so
 * scrolling allocates nothing.
 */
let ctxOf: CanvasRenderingContext2D | null = null;
let pendingColor = '';
let px0 = 0;
let px1 = 0;
let py = 0;
let ph = 0;

function rect(color: string, x: number, y: number, w: number, h: number): void {
  if (color === pendingColor && y === py && h === ph && x <= px1 + 1 && x + w >= px0) {
    px1 = Math.max(px1, x + w);
    return;
  }
  flushRect();
  pendingColor = color;
  px0 = x;
  px1 = x + w;
  py = y;
  ph = h;
}

function flushRect(): void {
  if (ctxOf === null || pendingColor === '') return;
  ctxOf.fillStyle = pendingColor;
  ctxOf.fillRect(px0, py, px1 - px0, ph);
  pendingColor = '';
}

/** Starts a layer of rectangles drawn at `alpha`. */
function begin(ctx: CanvasRenderingContext2D, alpha: number): void {
  ctxOf = ctx;
  ctx.globalAlpha = alpha;
}

/** Draws what is pending and ends the layer. */
function flush(ctx: CanvasRenderingContext2D): void {
  flushRect();
  ctx.globalAlpha = 1;
}

const diamonds = new Map<string, number[]>();

function drawDiamonds(ctx: CanvasRenderingContext2D): void {
  const r = 5;
  for (const [color, list] of diamonds) {
    if (list.length === 0) continue;
    ctx.fillStyle = color;
    ctx.beginPath();
    for (let k = 0; k < list.length; k += 2) {
      const x = list[k]!;
      const y = list[k + 1]!;
      ctx.moveTo(x, y - r);
      ctx.lineTo(x + r, y);
      ctx.lineTo(x, y + r);
      ctx.lineTo(x - r, y);
      ctx.closePath();
    }
    ctx.fill();
    list.length = 0;
  }
}

/** Quiet windows shade the row; a coming run's random-delay window is a bar after its mark. */
function drawWindows(row: TimelineRow, y: number, view: Viewport, width: number, p: Palette): void {
  const w = row.windows;
  for (let j = lowerBound(w, view.from - row.windowReach, (x) => x.from); j < w.length; j++) {
    const win = w[j]!;
    if (win.from > view.to) break;
    if (win.to < view.from) continue;
    const x0 = xOf(win.from, view, width);
    const x1 = Math.max(x0 + 1, xOf(win.to, view, width));
    if (win.kind === 'quiet') rect(p.muted, x0, y + 1, x1 - x0, ROW_HEIGHT - 2);
    else rect(p.accent, x0, y + ROW_HEIGHT / 2 - 3, x1 - x0, 6);
  }
}

/** Past runs: a bar from start to end; skipped and missed as a diamond at their due time. */
function drawRuns(
  row: TimelineRow,
  y: number,
  range: TimelineRange,
  view: Viewport,
  width: number,
  slackMs: number,
  p: Palette,
): void {
  const span = view.to - view.from;
  for (let j = lowerBound(row.past, view.from - span, (r) => r.at); j < row.past.length; j++) {
    const run = row.past[j]!;
    if (run.at > view.to + slackMs) break;
    const end = run.endedAt ?? (run.status === 'running' ? range.now : run.at);
    if (end < view.from - slackMs) continue;
    const x0 = xOf(run.at, view, width);
    const color = statusColor(run.status, p);
    if (MARKED.has(run.status)) {
      let list = diamonds.get(color);
      if (!list) diamonds.set(color, (list = []));
      list.push(x0, y + ROW_HEIGHT / 2);
      continue;
    }
    rect(color, x0, y + 5, Math.max(MIN_BAR_PX, xOf(end, view, width) - x0), ROW_HEIGHT - 10);
  }
  // Coming runs: thin ticks.
  for (let j = lowerBound(row.coming, view.from - slackMs, (t) => t); j < row.coming.length; j++) {
    const at = row.coming[j]!;
    if (at > view.to + slackMs) break;
    rect(p.accent, xOf(at, view, width) - 1, y + 4, 2, ROW_HEIGHT - 8);
  }
}

/** A task with more coming runs than we were sent: a band from the last to the range's end. */
function drawTruncated(
  row: TimelineRow,
  y: number,
  range: TimelineRange,
  view: Viewport,
  width: number,
  p: Palette,
): void {
  if (!row.comingTruncated || row.coming.length === 0) return;
  const x0 = xOf(row.coming[row.coming.length - 1]!, view, width);
  rect(p.accent, x0, y + 8, xOf(range.to, view, width) - x0, ROW_HEIGHT - 16);
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
    ctx.fillText(row.label, 6, top(i) + ROW_HEIGHT / 2);
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
    const text = tickLabel(t);
    ctx.fillRect(Math.round(x), AXIS_HEIGHT - 6, 1, 6);
    ctx.fillText(text, x + 3, AXIS_HEIGHT / 2);
  }
}

const tickLabels = new Map<number, string>();
const dayFormat = new Intl.DateTimeFormat(undefined, {
  weekday: 'short',
  day: 'numeric',
  month: 'short',
});
const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

/** An axis label: the date at midnight, else the time. Kept, since scrolling asks for the same ones. */
function tickLabel(t: number): string {
  let text = tickLabels.get(t);
  if (text === undefined) {
    const d = new Date(t);
    const midnight = d.getHours() === 0 && d.getMinutes() === 0;
    text = (midnight ? dayFormat : timeFormat).format(d);
    if (tickLabels.size > 2000) tickLabels.clear();
    tickLabels.set(t, text);
  }
  return text;
}
