import { useMemo } from 'react';
import { useApi } from '../../api/api-context.js';
import { LoadView } from '../../components/load-view.js';
import { useEvents } from '../../hooks/use-events.js';
import { useLoad } from '../../hooks/use-load.js';
import { navigate } from '../../routing/route.js';
import type { Hit } from './timeline-layout.js';
import { periodOf, rowsOf } from './timeline-layout.js';
import { TimelineCanvas } from './timeline-canvas.js';

const ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone;

/** Past and coming runs of every task over a day or a week. */
export function TimelineScreen({ view, at }: { view: 'day' | 'week'; at: number | null }) {
  const api = useApi();
  const period = useMemo(() => periodOf(view, at ?? Date.now()), [view, at]);
  const [range, reload] = useLoad(
    () => api['timeline:range']({ from: period.from, to: period.to, zone: ZONE }),
    [api, period.from, period.to],
  );
  useEvents(['task:changed', 'run:finished', 'history:changed'], reload);
  const rows = useMemo(() => (range.state === 'ready' ? rowsOf(range.value) : []), [range]);
  const go = (target: 'day' | 'week', when: number) =>
    navigate({ screen: 'timeline', view: target, at: when });
  const step = (direction: number) => {
    const d = new Date(period.from);
    d.setDate(d.getDate() + direction * (view === 'week' ? 7 : 1));
    go(view, d.getTime());
  };
  const open = (hit: Hit) => {
    if (hit.kind === 'past') {
      const { project, group, name, runId } = hit.run;
      navigate({ screen: 'history', run: { project, group, name, runId } });
    } else if (
      range.state === 'ready' &&
      range.value.tasks.some((t) => t.taskId === hit.row.task.taskId)
    ) {
      navigate({ screen: 'editor', taskId: hit.row.task.taskId });
    }
  };
  const title = new Date(period.from).toLocaleDateString(undefined, {
    weekday: view === 'day' ? 'long' : undefined,
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  });
  return (
    <section aria-labelledby="timeline-heading" className="screen">
      <div className="screen-header">
        <h2 id="timeline-heading">Timeline</h2>
        <div className="timeline-toolbar" role="toolbar" aria-label="Timeline period">
          <button type="button" className="secondary" onClick={() => step(-1)}>
            ◀ Earlier
          </button>
          <button type="button" className="secondary" onClick={() => go(view, Date.now())}>
            Today
          </button>
          <button type="button" className="secondary" onClick={() => step(1)}>
            Later ▶
          </button>
          <button
            type="button"
            aria-pressed={view === 'day'}
            onClick={() => go('day', period.from)}
          >
            Day
          </button>
          <button
            type="button"
            aria-pressed={view === 'week'}
            onClick={() => go('week', period.from)}
          >
            Week
          </button>
          <span className="muted">
            {view === 'week' ? 'Week of ' : ''}
            {title}
          </span>
        </div>
      </div>
      <LoadView load={range} what="the timeline" onRetry={reload}>
        {(value) => (
          <>
            <p className="muted timeline-legend">
              <span className="legend legend-ok">succeeded</span>
              <span className="legend legend-bad">failed</span>
              <span className="legend legend-warn">skipped, missed, canceled</span>
              <span className="legend legend-accent">coming</span>
              <span className="legend legend-dst">clock change</span>
              <span className="legend legend-quiet">quiet window</span>
              <span className="legend legend-jitter">random delay</span>
              {value.pastTruncated && ' · only the newest 200,000 runs are drawn'}
            </p>
            {rows.length === 0 ? (
              <p className="muted">No tasks yet: create one and its runs show here.</p>
            ) : (
              <TimelineCanvas range={value} rows={rows} onOpen={open} />
            )}
          </>
        )}
      </LoadView>
    </section>
  );
}
