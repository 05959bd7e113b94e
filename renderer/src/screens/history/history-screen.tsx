import { useMemo, useState } from 'react';
import type { SessionView } from '../../../../main/api/contract.js';
import type { RunStatus } from '../../../../main/core/model/run.js';
import { runStatus } from '../../../../main/core/model/run.js';
import { useApi } from '../../api/api-context.js';
import { LoadView } from '../../components/load-view.js';
import { statusLabel } from '../../components/status-badge.js';
import { messageOf } from '../../format/error-message.js';
import { formatAbsolute, formatDuration } from '../../format/time-format.js';
import { useEvents } from '../../hooks/use-events.js';
import { useLoad } from '../../hooks/use-load.js';
import { useNow } from '../../hooks/use-now.js';
import type { RunRef } from '../../routing/route.js';
import { RunDetail } from './run-detail.js';
import { RunsList } from './runs-list.js';
import { SearchResults } from './search-results.js';
import { useRunPages } from './use-run-pages.js';
import type { RunQuery } from './use-run-pages.js';

interface RunFilterForm {
  taskId: string;
  project: string;
  status: RunStatus | '';
  /** datetime-local values in the browser's zone; '' is open-ended. */
  from: string;
  to: string;
  sessionId: string;
}

const NO_FILTER: RunFilterForm = {
  taskId: '',
  project: '',
  status: '',
  from: '',
  to: '',
  sessionId: '',
};

function queryOf(f: RunFilterForm): RunQuery {
  const q: RunQuery = {};
  if (f.taskId) q.taskId = f.taskId;
  if (f.project) q.project = f.project;
  if (f.status) q.status = f.status;
  if (f.sessionId) q.sessionId = f.sessionId;
  const from = f.from ? new Date(f.from).getTime() : Number.NaN;
  const to = f.to ? new Date(f.to).getTime() : Number.NaN;
  if (Number.isFinite(from)) q.from = from;
  if (Number.isFinite(to)) q.to = to;
  return q;
}

/** Sessions of the scheduler, runs across tasks, and one run in detail. */
export function HistoryScreen({ run, pageSize }: { run: RunRef | null; pageSize?: number }) {
  const api = useApi();
  const [filter, setFilter] = useState<RunFilterForm>(NO_FILTER);
  const query = useMemo(() => queryOf(filter), [filter]);
  const [searchText, setSearchText] = useState('');
  const searching = /[\p{L}\p{N}]/u.test(searchText);
  const runs = useRunPages(query, pageSize);
  // New runs arrive at the top; runs further down are long past the minute that counts seconds.
  const now = useNow(runs.items.slice(0, 100).map((r) => r.startedAt ?? r.scheduledFor));
  const [tasks] = useLoad(() => api['tasks:list'](), [api]);
  const [version, setVersion] = useState(0);
  const [sessionsVersion, setSessionsVersion] = useState(0);
  useEvents(['history:changed', 'run:finished', 'run:started'], () => {
    runs.refresh();
    setVersion((v) => v + 1);
    setSessionsVersion((v) => v + 1);
  });

  const taskOptions = tasks.state === 'ready' ? tasks.value : [];
  const projects = [...new Set(taskOptions.map((t) => t.project))].sort();

  return (
    <section aria-labelledby="history-heading" className="screen">
      <div className="screen-header">
        <h2 id="history-heading">History</h2>
      </div>
      <div className={run ? 'history-layout with-detail' : 'history-layout'}>
        <div className="card">
          <h3>Runs</h3>
          <div className="filters" role="group" aria-label="Filter runs">
            <label>
              Search output
              <input
                type="search"
                value={searchText}
                placeholder="words in output, errors, task names"
                onChange={(e) => setSearchText(e.target.value)}
              />
            </label>
            <label>
              Task
              <select
                value={filter.taskId}
                onChange={(e) => setFilter({ ...filter, taskId: e.target.value })}
              >
                <option value="">All tasks</option>
                {taskOptions.map((t) => (
                  <option key={t.id} value={t.id}>
                    {t.name}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Project
              <select
                value={filter.project}
                onChange={(e) => setFilter({ ...filter, project: e.target.value })}
              >
                <option value="">All projects</option>
                {projects.map((p) => (
                  <option key={p}>{p}</option>
                ))}
              </select>
            </label>
            <label>
              Status
              <select
                value={filter.status}
                onChange={(e) => setFilter({ ...filter, status: e.target.value as RunStatus | '' })}
              >
                <option value="">Any status</option>
                {runStatus.options.map((s) => (
                  <option key={s} value={s}>
                    {statusLabel(s)}
                  </option>
                ))}
              </select>
            </label>
            <label>
              From
              <input
                type="datetime-local"
                value={filter.from}
                onChange={(e) => setFilter({ ...filter, from: e.target.value })}
              />
            </label>
            <label>
              To
              <input
                type="datetime-local"
                value={filter.to}
                onChange={(e) => setFilter({ ...filter, to: e.target.value })}
              />
            </label>
            {filter.sessionId && (
              <button
                type="button"
                className="secondary"
                onClick={() => setFilter({ ...filter, sessionId: '' })}
              >
                Show runs of every session
              </button>
            )}
          </div>
          {searching && (
            <SearchResults
              text={searchText}
              filter={query}
              selectedRunId={run?.runId ?? null}
              version={version}
            />
          )}
          {!searching && runs.state === 'loading' && (
            <p className="loading" role="status">
              Loading runs…
            </p>
          )}
          {!searching && runs.state === 'error' && (
            <div role="alert" className="error-box">
              <p>Could not load runs: {runs.error}</p>
              <button type="button" className="secondary" onClick={runs.refresh}>
                Try again
              </button>
            </div>
          )}
          {!searching &&
            runs.state === 'ready' &&
            (runs.items.length === 0 ? (
              <p className="empty" data-testid="runs-empty">
                {Object.keys(query).length > 0
                  ? 'No runs match these filters.'
                  : 'No runs yet. Runs appear here as soon as a task starts, on schedule or with Run now.'}
              </p>
            ) : (
              <>
                <p className="muted" data-testid="runs-count">
                  Showing {runs.items.length.toLocaleString()} of {runs.total.toLocaleString()} runs
                  {runs.loadingMore ? ' (loading more…)' : ''}
                </p>
                <RunsList
                  runs={runs.items}
                  now={now}
                  selectedRunId={run?.runId ?? null}
                  onNearEnd={runs.hasMore ? runs.loadMore : undefined}
                />
                {runs.error && <p className="error">Could not load more runs: {runs.error}</p>}
              </>
            ))}
        </div>
        {run && <RunDetail run={run} version={version} />}
      </div>
      <Sessions
        version={sessionsVersion}
        onShowRuns={(sessionId) => setFilter({ ...NO_FILTER, sessionId })}
        selected={filter.sessionId}
      />
    </section>
  );
}

function Sessions({
  version,
  selected,
  onShowRuns,
}: {
  version: number;
  selected: string;
  onShowRuns: (sessionId: string) => void;
}) {
  const api = useApi();
  const [extra, setExtra] = useState<{
    items: SessionView[];
    cursor: string | null;
    error: string | null;
  }>({
    items: [],
    cursor: null,
    error: null,
  });
  const [first, reload] = useLoad(async () => {
    const page = await api['history:sessions']({ limit: 50 });
    setExtra({ items: [], cursor: page.nextCursor, error: null });
    return page;
  }, [api, version]);

  const more = async () => {
    if (!extra.cursor) return;
    try {
      const page = await api['history:sessions']({ limit: 50, cursor: extra.cursor });
      setExtra((e) => ({
        items: [...e.items, ...page.items],
        cursor: page.nextCursor,
        error: null,
      }));
    } catch (error) {
      setExtra((e) => ({ ...e, error: messageOf(error) }));
    }
  };

  return (
    <section className="card" aria-labelledby="sessions-heading">
      <h3 id="sessions-heading">Sessions</h3>
      <LoadView load={first} what="sessions" onRetry={reload}>
        {(page) => {
          const sessions = [...page.items, ...extra.items];
          if (sessions.length === 0) {
            return (
              <p className="empty" data-testid="sessions-empty">
                No sessions yet. A session starts when the scheduler starts and ends when it stops.
              </p>
            );
          }
          return (
            <div className="table-wrap">
              <table className="compact">
                <thead>
                  <tr>
                    <th scope="col">Started</th>
                    <th scope="col">Ended</th>
                    <th scope="col">Duration</th>
                    <th scope="col">End reason</th>
                    <th scope="col">Runs by status</th>
                    <th scope="col">
                      <span className="visually-hidden">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {sessions.map((s) => (
                    <tr key={s.sessionId} className={s.sessionId === selected ? 'selected' : ''}>
                      <td>{formatAbsolute(s.startedAt)}</td>
                      <td>{s.endedAt !== null ? formatAbsolute(s.endedAt) : 'still running'}</td>
                      <td>{formatDuration(s.durationMs)}</td>
                      <td>{s.endReason ?? '—'}</td>
                      <td>
                        {Object.entries(s.counts)
                          .filter(([, n]) => n > 0)
                          .map(([status, n]) => `${n} ${statusLabel(status as RunStatus)}`)
                          .join(', ') || 'no runs'}
                      </td>
                      <td>
                        <button
                          type="button"
                          className="secondary"
                          onClick={() => onShowRuns(s.sessionId)}
                        >
                          Show runs
                        </button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              {extra.cursor && (
                <button type="button" className="secondary" onClick={() => void more()}>
                  Load more sessions
                </button>
              )}
              {extra.error && <p className="error">{extra.error}</p>}
            </div>
          );
        }}
      </LoadView>
    </section>
  );
}
