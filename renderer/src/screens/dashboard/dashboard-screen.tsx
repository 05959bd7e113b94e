import type { RunStatus } from '../../../../main/core/model/run.js';
import { useApi } from '../../api/api-context.js';
import { LoadView } from '../../components/load-view.js';
import { StatusBadge, statusLabel } from '../../components/status-badge.js';
import { formatAbsolute, formatDuration, formatRelative } from '../../format/time-format.js';
import { useEvents } from '../../hooks/use-events.js';
import { useLoad } from '../../hooks/use-load.js';
import { useNow } from '../../hooks/use-now.js';
import { hrefOf } from '../../routing/route.js';
import { DurationChart } from './duration-chart.js';

/** How things are going: outcomes, durations, recent failures, and what runs next. */
export function DashboardScreen() {
  const api = useApi();
  const [stats, reloadStats] = useLoad(() => api['history:stats'](), [api]);
  const [tasks, reloadTasks] = useLoad(() => api['tasks:list'](), [api]);
  const now = useNow([
    ...(stats.state === 'ready'
      ? stats.value.failuresLast24h.map((r) => r.startedAt ?? r.scheduledFor)
      : []),
    ...(tasks.state === 'ready' ? tasks.value.map((t) => t.nextRunAt) : []),
  ]);
  useEvents(['history:changed', 'run:finished'], reloadStats);
  useEvents(['task:changed', 'run:finished', 'scheduler:state'], reloadTasks);

  return (
    <section aria-labelledby="dashboard-heading" className="screen">
      <div className="screen-header">
        <h2 id="dashboard-heading">Dashboard</h2>
      </div>
      <LoadView load={stats} what="statistics" onRetry={reloadStats}>
        {(s) => (
          <>
            <div className="tiles">
              <div className="card tile">
                <p className="tile-label">Runs recorded</p>
                <p className="tile-value" data-testid="stat-total">
                  {s.total.toLocaleString()}
                </p>
              </div>
              <div className="card tile">
                <p className="tile-label">Success rate</p>
                <p className="tile-value" data-testid="stat-success-rate">
                  {s.successRate === null ? '—' : `${(s.successRate * 100).toFixed(1)} %`}
                </p>
              </div>
              <div className="card tile">
                <p className="tile-label">Median / 95th percentile duration</p>
                <p className="tile-value">
                  {formatDuration(s.p50DurationMs)} / {formatDuration(s.p95DurationMs)}
                </p>
              </div>
            </div>
            <section className="card" aria-labelledby="counts-heading">
              <h3 id="counts-heading">Runs by status</h3>
              {s.total === 0 ? (
                <p className="empty">No runs recorded yet.</p>
              ) : (
                <ul className="counts" data-testid="status-counts">
                  {(Object.entries(s.counts) as [RunStatus, number][])
                    .filter(([, n]) => n > 0)
                    .map(([status, n]) => (
                      <li key={status} data-status={status}>
                        <StatusBadge status={status} /> <strong>{n.toLocaleString()}</strong>
                      </li>
                    ))}
                </ul>
              )}
            </section>
            <section className="card" aria-labelledby="failures-heading">
              <h3 id="failures-heading">Failures in the last 24 hours</h3>
              {s.failuresLast24h.length === 0 ? (
                <p className="empty" data-testid="failures-empty">
                  No failures in the last 24 hours.
                </p>
              ) : (
                <ul className="failures" data-testid="failures-24h">
                  {s.failuresLast24h.map((r) => {
                    const at = r.startedAt ?? r.scheduledFor;
                    return (
                      <li key={r.runId}>
                        <a
                          href={hrefOf({
                            screen: 'history',
                            run: {
                              project: r.project,
                              group: r.group,
                              name: r.name,
                              runId: r.runId,
                            },
                          })}
                        >
                          <strong>{r.name}</strong> {statusLabel(r.status)}
                        </a>{' '}
                        <span
                          className="muted"
                          title={at !== null ? formatAbsolute(at) : undefined}
                        >
                          {at !== null ? formatRelative(at, now) : ''}
                          {r.error
                            ? ` · ${r.error}`
                            : r.exitCode !== null
                              ? ` · exit code ${r.exitCode}`
                              : ''}
                        </span>
                      </li>
                    );
                  })}
                </ul>
              )}
            </section>
            <section className="card" aria-labelledby="durations-heading">
              <h3 id="durations-heading">Durations per task</h3>
              <DurationChart series={s.durations} />
            </section>
            {s.unreadableFiles.length > 0 && (
              <p className="warning" role="alert">
                {s.unreadableFiles.length} run files could not be read and are left out:{' '}
                {s.unreadableFiles.slice(0, 3).join(', ')}
                {s.unreadableFiles.length > 3 ? '…' : ''}
              </p>
            )}
          </>
        )}
      </LoadView>
      <section className="card" aria-labelledby="next-heading">
        <h3 id="next-heading">Next runs</h3>
        <LoadView load={tasks} what="tasks" onRetry={reloadTasks}>
          {(all) => {
            const next = all
              .filter((t) => t.enabled && t.nextRunAt !== null)
              .sort((a, b) => (a.nextRunAt ?? 0) - (b.nextRunAt ?? 0))
              .slice(0, 8);
            if (next.length === 0) {
              return (
                <p className="empty" data-testid="next-empty">
                  Nothing is scheduled. Enable a task or create one to see what runs next.
                </p>
              );
            }
            return (
              <ol className="next-runs" data-testid="next-runs">
                {next.map((t) => (
                  <li key={t.id}>
                    <strong>{t.name}</strong>{' '}
                    <time
                      dateTime={new Date(t.nextRunAt ?? 0).toISOString()}
                      title={formatAbsolute(t.nextRunAt ?? 0)}
                    >
                      {formatRelative(t.nextRunAt ?? 0, now)}
                    </time>{' '}
                    <span className="muted">{t.scheduleText}</span>
                  </li>
                ))}
              </ol>
            );
          }}
        </LoadView>
      </section>
    </section>
  );
}
