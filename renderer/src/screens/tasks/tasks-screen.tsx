import { useCallback, useState } from 'react';
import type { TaskView } from '../../../../main/api/contract.js';
import { runStatus } from '../../../../main/core/model/run.js';
import { useApi } from '../../api/api-context.js';
import { ConfirmDialog } from '../../components/confirm-dialog.js';
import { LoadView } from '../../components/load-view.js';
import { StatusBadge, statusLabel } from '../../components/status-badge.js';
import { messageOf } from '../../format/error-message.js';
import { formatAbsolute, formatDuration, formatRelative } from '../../format/time-format.js';
import { useEvents } from '../../hooks/use-events.js';
import { useLoad } from '../../hooks/use-load.js';
import { useNow } from '../../hooks/use-now.js';
import { hrefOf } from '../../routing/route.js';
import { NO_FILTER, distinct, matchesFilter } from './task-filter.js';
import type { TaskFilter } from './task-filter.js';

/** The tasks table: what runs when, how it went last time, and the everyday actions. */
export function TasksScreen() {
  const api = useApi();
  const [tasks, reload] = useLoad(() => api['tasks:list'](), [api]);
  useEvents(['task:changed', 'run:started', 'run:finished', 'scheduler:state'], reload);
  const [filter, setFilter] = useState<TaskFilter>(NO_FILTER);
  const [message, setMessage] = useState<{ kind: 'info' | 'error'; text: string } | null>(null);
  const [confirmDelete, setConfirmDelete] = useState<TaskView | null>(null);
  const [busy, setBusy] = useState<ReadonlySet<string>>(new Set());
  const now = useNow(tasks.state === 'ready' ? tasks.value.map((t) => t.nextRunAt) : []);

  const act = useCallback(
    async (task: TaskView, what: string, call: () => Promise<string | null>) => {
      setBusy((b) => new Set(b).add(task.id));
      setMessage(null);
      try {
        const done = await call();
        if (done) setMessage({ kind: 'info', text: done });
      } catch (error) {
        setMessage({
          kind: 'error',
          text: `Could not ${what} '${task.name}': ${messageOf(error)}`,
        });
      } finally {
        setBusy((b) => {
          const next = new Set(b);
          next.delete(task.id);
          return next;
        });
        reload();
      }
    },
    [reload],
  );

  const runNow = (task: TaskView) =>
    act(task, 'run', async () => {
      const run = await api['tasks:runNow']({ id: task.id });
      return `'${task.name}' ${run.fromCache ? 'answered from its result cache' : statusLabel(run.status)}.`;
    });
  const toggle = (task: TaskView) =>
    act(task, task.enabled ? 'disable' : 'enable', async () => {
      await (task.enabled
        ? api['tasks:disable']({ id: task.id })
        : api['tasks:enable']({ id: task.id }));
      return null;
    });
  const remove = (task: TaskView) =>
    act(task, 'delete', async () => {
      await api['tasks:delete']({ id: task.id });
      return `Deleted '${task.name}'.`;
    });

  return (
    <section aria-labelledby="tasks-heading" className="screen">
      <div className="screen-header">
        <h2 id="tasks-heading">Tasks</h2>
        <a className="button" href={hrefOf({ screen: 'editor', taskId: null })}>
          New task
        </a>
      </div>
      {message && (
        <p
          role={message.kind === 'error' ? 'alert' : 'status'}
          className={message.kind === 'error' ? 'error' : 'info'}
        >
          {message.text}
        </p>
      )}
      <LoadView load={tasks} what="tasks" onRetry={reload}>
        {(all) =>
          all.length === 0 ? (
            <p className="empty" data-testid="tasks-empty">
              No tasks yet. A task runs a command, a web request or a script on a schedule: cron,
              every few minutes, after each run, or once.{' '}
              <a href={hrefOf({ screen: 'editor', taskId: null })}>Create your first task</a>.
            </p>
          ) : (
            <>
              <TaskFilters tasks={all} filter={filter} onChange={setFilter} />
              <TasksTable
                tasks={all.filter((t) => matchesFilter(t, filter))}
                now={now}
                busy={busy}
                onRunNow={(t) => void runNow(t)}
                onToggle={(t) => void toggle(t)}
                onDelete={setConfirmDelete}
              />
            </>
          )
        }
      </LoadView>
      {confirmDelete && (
        <ConfirmDialog
          title={`Delete '${confirmDelete.name}'?`}
          message="The task and its schedule are removed. Its past runs stay in History."
          confirmLabel="Delete task"
          onCancel={() => setConfirmDelete(null)}
          onConfirm={() => {
            const task = confirmDelete;
            setConfirmDelete(null);
            void remove(task);
          }}
        />
      )}
    </section>
  );
}

function TaskFilters({
  tasks,
  filter,
  onChange,
}: {
  tasks: readonly TaskView[];
  filter: TaskFilter;
  onChange: (f: TaskFilter) => void;
}) {
  return (
    <div className="filters" role="group" aria-label="Filter tasks">
      <label>
        Project
        <select
          value={filter.project}
          onChange={(e) => onChange({ ...filter, project: e.target.value })}
        >
          <option value="">All projects</option>
          {distinct(tasks, (t) => t.project).map((p) => (
            <option key={p}>{p}</option>
          ))}
        </select>
      </label>
      <label>
        Group
        <select
          value={filter.group}
          onChange={(e) => onChange({ ...filter, group: e.target.value })}
        >
          <option value="">All groups</option>
          {distinct(tasks, (t) => t.group).map((g) => (
            <option key={g}>{g}</option>
          ))}
        </select>
      </label>
      <label>
        Status
        <select
          value={filter.status}
          onChange={(e) => onChange({ ...filter, status: e.target.value as TaskFilter['status'] })}
        >
          <option value="">Any status</option>
          <option value="never">Never run</option>
          <option value="disabled">Disabled</option>
          {runStatus.options.map((s) => (
            <option key={s} value={s}>
              Last run {statusLabel(s)}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}

export function TasksTable({
  tasks,
  now,
  busy,
  onRunNow,
  onToggle,
  onDelete,
}: {
  tasks: readonly TaskView[];
  now: number;
  busy: ReadonlySet<string>;
  onRunNow: (t: TaskView) => void;
  onToggle: (t: TaskView) => void;
  onDelete: (t: TaskView) => void;
}) {
  if (tasks.length === 0) {
    return <p className="empty">No tasks match these filters.</p>;
  }
  return (
    <div className="table-wrap">
      <table className="tasks-table">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Project / group</th>
            <th scope="col">Schedule</th>
            <th scope="col">Next run</th>
            <th scope="col">Last run</th>
            <th scope="col">Enabled</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {tasks.map((t) => (
            <tr key={t.id} data-task-id={t.id} className={t.enabled ? '' : 'disabled'}>
              <th scope="row">
                {t.name}
                {t.locked && (
                  <span className="locked" title={t.locked}>
                    {' '}
                    (locked)
                  </span>
                )}
              </th>
              <td>
                {t.project} / {t.group}
              </td>
              <td>{t.scheduleText}</td>
              <td>
                {t.nextRunAt !== null && t.enabled ? (
                  <time
                    dateTime={new Date(t.nextRunAt).toISOString()}
                    title={formatAbsolute(t.nextRunAt)}
                  >
                    {formatRelative(t.nextRunAt, now)}
                  </time>
                ) : (
                  <span className="muted">{t.enabled ? 'not scheduled' : 'disabled'}</span>
                )}
                {t.waitingFor !== null && (
                  <div className="waiting-for" role="status">
                    {t.waitingFor}
                  </div>
                )}
              </td>
              <td>
                {t.lastRun ? (
                  <span
                    title={
                      t.lastRun.startedAt !== null ? formatAbsolute(t.lastRun.startedAt) : undefined
                    }
                    data-testid="last-run"
                  >
                    <StatusBadge status={t.lastRun.status} /> {formatDuration(t.lastRun.durationMs)}
                  </span>
                ) : (
                  <span className="muted">never</span>
                )}
              </td>
              <td>
                <input
                  type="checkbox"
                  role="switch"
                  aria-label={`Enabled: ${t.name}`}
                  checked={t.enabled}
                  disabled={busy.has(t.id)}
                  onChange={() => onToggle(t)}
                />
              </td>
              <td className="row-actions">
                <button
                  type="button"
                  aria-label={`Run now: ${t.name}`}
                  disabled={busy.has(t.id) || t.locked !== null}
                  onClick={() => onRunNow(t)}
                >
                  Run now
                </button>
                <a
                  className="button secondary"
                  aria-label={`Edit: ${t.name}`}
                  href={hrefOf({ screen: 'editor', taskId: t.id })}
                >
                  Edit
                </a>
                <button
                  type="button"
                  className="danger"
                  aria-label={`Delete: ${t.name}`}
                  disabled={busy.has(t.id)}
                  onClick={() => onDelete(t)}
                >
                  Delete
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
