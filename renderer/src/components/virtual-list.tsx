import { useEffect, useRef, useState } from 'react';
import type { ReactNode } from 'react';

export interface VirtualListProps<T> {
  items: readonly T[];
  /** Every row has this height in px; fixed heights keep scrolling O(1) for 100,000 rows. */
  rowHeight: number;
  /** Used until the list has been laid out (and in tests, where nothing is). Default 480. */
  fallbackHeight?: number;
  /** Rows rendered beyond each edge so fast scrolling shows no blank rows. Default 8. */
  overscan?: number;
  /** Called when the last rendered row is within `overscan` rows of the end (load more). */
  onNearEnd?: () => void;
  getKey: (item: T) => string;
  renderRow: (item: T, index: number) => ReactNode;
  label: string;
}

/**
 * A list that renders only the rows in view. Hand-written rather than a dependency: with fixed
 * row heights it is a few lines, and positions are set through React's style object (CSSOM),
 * which the strict CSP allows, never through injected style text.
 */
export function VirtualList<T>({
  items,
  rowHeight,
  fallbackHeight = 480,
  overscan = 8,
  onNearEnd,
  getKey,
  renderRow,
  label,
}: VirtualListProps<T>) {
  const ref = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(fallbackHeight);

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = () => setHeight(el.clientHeight || fallbackHeight);
    measure();
    if (typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, [fallbackHeight]);

  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const last = Math.min(items.length, Math.ceil((scrollTop + height) / rowHeight) + overscan);

  const nearEnd = last >= items.length - overscan;
  useEffect(() => {
    if (nearEnd && onNearEnd) onNearEnd();
  }, [nearEnd, items.length, onNearEnd]);

  const rows: ReactNode[] = [];
  for (let i = first; i < last; i++) {
    const item = items[i] as T;
    rows.push(
      <div
        key={getKey(item)}
        role="listitem"
        aria-setsize={items.length}
        aria-posinset={i + 1}
        className="virtual-row"
        style={{ top: i * rowHeight, height: rowHeight }}
      >
        {renderRow(item, i)}
      </div>,
    );
  }

  return (
    <div
      ref={ref}
      className="virtual-list"
      role="list"
      aria-label={label}
      tabIndex={0}
      onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
    >
      <div className="virtual-spacer" style={{ height: items.length * rowHeight }}>
        {rows}
      </div>
    </div>
  );
}
