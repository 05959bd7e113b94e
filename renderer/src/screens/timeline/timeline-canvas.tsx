import { useEffect, useRef, useState } from 'react';
import type { KeyboardEvent, MouseEvent, WheelEvent } from 'react';
import type { TimelineRange } from '../../../../main/api/contract.js';
import type { Hit, TimelineRow, Viewport } from './timeline-layout.js';
import { AXIS_HEIGHT, hitTest, LABEL_WIDTH, ROW_HEIGHT, timeAt, xOf } from './timeline-layout.js';
import type { Palette } from './timeline-draw.js';
import { drawTimeline, readPalette } from './timeline-draw.js';
import { TimelineTooltip } from './timeline-tooltip.js';

const MIN_SPAN = 15 * 60_000;

/**
 * The timeline drawn on a canvas: a thousand rows of a week's runs would be far too many DOM
 * nodes. The viewport lives in a ref and each change draws once on the next animation frame;
 * React renders only the tooltip and the clock-change markers.
 */
export function TimelineCanvas({
  range,
  rows,
  onOpen,
}: {
  range: TimelineRange;
  rows: TimelineRow[];
  onOpen: (hit: Hit) => void;
}) {
  const hostRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const view = useRef<Viewport>({ from: range.from, to: range.to, scrollY: 0 });
  const size = useRef({ width: 800, height: 400 });
  const palette = useRef<Palette | null>(null);
  const frame = useRef<number | null>(null);
  const drag = useRef<{ x: number; from: number; moved: boolean } | null>(null);
  const [hover, setHover] = useState<{ hit: Hit; x: number; y: number } | null>(null);
  const [markerView, setMarkerView] = useState<Viewport>(view.current);

  const draw = () => {
    if (frame.current !== null) return;
    frame.current = requestAnimationFrame(() => {
      frame.current = null;
      const canvas = canvasRef.current;
      const ctx = canvas?.getContext('2d');
      if (!canvas || !ctx || !palette.current) return;
      const dpr = window.devicePixelRatio || 1;
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      drawTimeline(ctx, size.current, rows, range, view.current, palette.current);
      canvas.dataset.from = String(view.current.from);
      canvas.dataset.to = String(view.current.to);
      canvas.dataset.scrollY = String(view.current.scrollY);
      setMarkerView({ ...view.current });
    });
  };

  const period = useRef({ from: range.from, to: range.to });
  useEffect(() => {
    // A refresh of the same period (a run finished) keeps where the person scrolled to.
    if (period.current.from !== range.from || period.current.to !== range.to) {
      period.current = { from: range.from, to: range.to };
      view.current = { from: range.from, to: range.to, scrollY: 0 };
    }
    const host = hostRef.current;
    const canvas = canvasRef.current;
    if (!host || !canvas) return;
    palette.current = readPalette(host);
    const resize = () => {
      const width = host.clientWidth;
      const height = Math.max(
        200,
        Math.min(
          window.innerHeight - host.getBoundingClientRect().top - 16,
          AXIS_HEIGHT + rows.length * ROW_HEIGHT + 4,
        ),
      );
      const dpr = window.devicePixelRatio || 1;
      size.current = { width, height };
      canvas.width = Math.round(width * dpr);
      canvas.height = Math.round(height * dpr);
      canvas.style.width = `${width}px`;
      canvas.style.height = `${height}px`;
      draw();
    };
    resize();
    const observer = new ResizeObserver(resize);
    observer.observe(host);
    const scheme = window.matchMedia('(prefers-color-scheme: dark)');
    const recolor = () => {
      palette.current = readPalette(host);
      draw();
    };
    scheme.addEventListener('change', recolor);
    return () => {
      observer.disconnect();
      scheme.removeEventListener('change', recolor);
    };
  }, [range, rows]);

  /** Moves the view, kept inside the loaded range and the rows. */
  const move = (next: Partial<Viewport>) => {
    const v = { ...view.current, ...next };
    const span = Math.min(Math.max(v.to - v.from, MIN_SPAN), range.to - range.from);
    let from = Math.max(range.from, Math.min(v.from, range.to - span));
    if (!Number.isFinite(from)) from = range.from;
    const maxY = Math.max(0, rows.length * ROW_HEIGHT - (size.current.height - AXIS_HEIGHT));
    view.current = { from, to: from + span, scrollY: Math.max(0, Math.min(v.scrollY, maxY)) };
    setHover(null);
    draw();
  };
  const pan = (fraction: number) => {
    const span = view.current.to - view.current.from;
    move({ from: view.current.from + span * fraction, to: view.current.to + span * fraction });
  };
  const zoom = (factor: number, anchor: number) => {
    const v = view.current;
    move({ from: anchor - (anchor - v.from) * factor, to: anchor + (v.to - anchor) * factor });
  };
  const pageRows = () =>
    Math.max(1, Math.floor((size.current.height - AXIS_HEIGHT) / ROW_HEIGHT) - 1);

  const onKeyDown = (e: KeyboardEvent) => {
    const v = view.current;
    const mid = (v.from + v.to) / 2;
    const keys: Record<string, () => void> = {
      ArrowLeft: () => pan(-0.1),
      ArrowRight: () => pan(0.1),
      ArrowUp: () => move({ scrollY: v.scrollY - ROW_HEIGHT }),
      ArrowDown: () => move({ scrollY: v.scrollY + ROW_HEIGHT }),
      PageUp: () => move({ scrollY: v.scrollY - pageRows() * ROW_HEIGHT }),
      PageDown: () => move({ scrollY: v.scrollY + pageRows() * ROW_HEIGHT }),
      '+': () => zoom(0.8, mid),
      '=': () => zoom(0.8, mid),
      '-': () => zoom(1.25, mid),
      '0': () => move({ from: range.from, to: range.to }),
      Home: () => move({ scrollY: 0 }),
      End: () => move({ scrollY: Number.MAX_SAFE_INTEGER }),
    };
    const action = keys[e.key];
    if (!action) return;
    e.preventDefault();
    action();
  };

  const onWheel = (e: WheelEvent) => {
    const { width } = size.current;
    const x = e.clientX - e.currentTarget.getBoundingClientRect().left;
    if (e.ctrlKey || e.metaKey)
      zoom(e.deltaY > 0 ? 1.2 : 1 / 1.2, timeAt(Math.max(x, LABEL_WIDTH), view.current, width));
    else if (e.shiftKey || Math.abs(e.deltaX) > Math.abs(e.deltaY))
      pan((e.deltaX || e.deltaY) / 1000);
    else move({ scrollY: view.current.scrollY + e.deltaY });
  };

  const point = (e: MouseEvent) => {
    const r = e.currentTarget.getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top };
  };
  const onMouseMove = (e: MouseEvent<HTMLCanvasElement>) => {
    const { x, y } = point(e);
    const d = drag.current;
    if (d && Math.abs(x - d.x) > 3) {
      d.moved = true;
      const span = view.current.to - view.current.from;
      const shift = ((d.x - x) / (size.current.width - LABEL_WIDTH)) * span;
      move({ from: d.from + shift, to: d.from + shift + span });
      return;
    }
    const hit = hitTest(rows, view.current, size.current.width, x, y);
    setHover(hit && hit.kind !== 'task' ? { hit, x, y } : null);
    e.currentTarget.style.cursor = hit ? 'pointer' : 'default';
  };
  const onMouseUp = (e: MouseEvent) => {
    const d = drag.current;
    drag.current = null;
    if (d?.moved) return;
    const { x, y } = point(e);
    const hit = hitTest(rows, view.current, size.current.width, x, y);
    if (hit) onOpen(hit);
  };

  const { width } = size.current;
  return (
    <div ref={hostRef} className="timeline-host">
      <canvas
        ref={canvasRef}
        className="timeline-canvas"
        tabIndex={0}
        role="img"
        aria-label={`Timeline of ${rows.length} tasks: arrow keys scroll, + and - zoom, 0 shows the whole range`}
        data-testid="timeline-canvas"
        onKeyDown={onKeyDown}
        onWheel={onWheel}
        onMouseDown={(e) =>
          (drag.current = { x: point(e).x, from: view.current.from, moved: false })
        }
        onMouseMove={onMouseMove}
        onMouseUp={onMouseUp}
        onMouseLeave={() => {
          drag.current = null;
          setHover(null);
        }}
      />
      {range.dst.map((d) => {
        const x = xOf(d.at, markerView, width);
        if (x < LABEL_WIDTH || x > width) return null;
        const text = `${d.zone}: clocks go ${d.kind === 'gap' ? 'forward' : 'back'} at ${new Date(d.at).toLocaleString()}`;
        return (
          <span
            key={`${d.zone}-${d.at}`}
            className="timeline-dst"
            style={{ left: x }}
            title={text}
            data-testid="timeline-dst"
          >
            {d.kind === 'gap' ? 'DST +' : 'DST −'}
            <span className="visually-hidden">{text}</span>
          </span>
        );
      })}
      {hover && <TimelineTooltip hover={hover} now={range.now} />}
    </div>
  );
}
