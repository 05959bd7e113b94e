import { useCallback, useEffect, useState } from 'react';
import type { Api, AppInfo, SchedulerStatus, TaskView } from '../../main/api/contract.js';

type Load<T> = { state: 'loading' } | { state: 'error'; message: string } | { state: 'ready'; value: T };

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function App({ api }: { api: Api | null }) {
  const [info, setInfo] = useState<Load<AppInfo>>({ state: 'loading' });
  const [status, setStatus] = useState<Load<SchedulerStatus>>({ state: 'loading' });
  const [tasks, setTasks] = useState<Load<TaskView[]>>({ state: 'loading' });
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);

  useEffect(() => {
    if (!api) return;
    api['app:info']().then(
      (value) => setInfo({ state: 'ready', value }),
      (e: unknown) => setInfo({ state: 'error', message: messageOf(e) }),
    );
    api['scheduler:status']().then(
      (value) => setStatus({ state: 'ready', value }),
      (e: unknown) => setStatus({ state: 'error', message: messageOf(e) }),
    );
    api['tasks:list']().then(
      (value) => setTasks({ state: 'ready', value }),
      (e: unknown) => setTasks({ state: 'error', message: messageOf(e) }),
    );
    return api.on('scheduler:state', (value) => setStatus({ state: 'ready', value }));
  }, [api]);

  const toggle = useCallback(async () => {
    if (!api || status.state !== 'ready') return;
    setBusy(true);
    setActionError(null);
    try {
      const next = status.value.running ? await api['scheduler:stop']() : await api['scheduler:start']();
      setStatus({ state: 'ready', value: next });
    } catch (e) {
      setActionError(messageOf(e));
    } finally {
      setBusy(false);
    }
  }, [api, status]);

  if (!api) {
    return (
      <main className="app">
        <h1>Crontray</h1>
        <p role="alert" className="error">
          This page needs its access token. Open the full URL that <code>npm run headless</code> printed (it ends in
          #token=…).
        </p>
      </main>
    );
  }

  return (
    <main className="app">
      <header className="app-header">
        <h1>Crontray</h1>
        <span className="version" data-testid="app-version">
          {info.state === 'ready' ? `v${info.value.version} · ${info.value.host}` : ''}
        </span>
      </header>

      <section className="card" aria-labelledby="scheduler-heading">
        <h2 id="scheduler-heading">Scheduler</h2>
        {status.state === 'loading' && <p>Loading…</p>}
        {status.state === 'error' && <p role="alert" className="error">{status.message}</p>}
        {status.state === 'ready' && (
          <div className="scheduler-row">
            <span
              data-testid="scheduler-state"
              className={status.value.running ? 'badge badge-running' : 'badge badge-stopped'}
            >
              {status.value.running ? 'Running' : 'Stopped'}
            </span>
            <button type="button" onClick={() => void toggle()} disabled={busy}>
              {status.value.running ? 'Stop scheduler' : 'Start scheduler'}
            </button>
          </div>
        )}
        {actionError && <p role="alert" className="error">{actionError}</p>}
      </section>

      <section className="card" aria-labelledby="tasks-heading">
        <h2 id="tasks-heading">Tasks</h2>
        {tasks.state === 'loading' && <p>Loading…</p>}
        {tasks.state === 'error' && <p role="alert" className="error">{tasks.message}</p>}
        {tasks.state === 'ready' && tasks.value.length === 0 && (
          <p className="empty" data-testid="tasks-empty">
            No tasks yet. A task runs a command, a web request or a script on a schedule: cron, every few minutes,
            after each run, or once.
          </p>
        )}
        {tasks.state === 'ready' && tasks.value.length > 0 && (
          <ul>
            {tasks.value.map((t) => (
              <li key={t.id}>{t.name}</li>
            ))}
          </ul>
        )}
      </section>
    </main>
  );
}
