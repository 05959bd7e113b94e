import { useCallback, useEffect, useState } from 'react';
import type { Api, AppInfo, SchedulerStatus } from '../../main/api/contract.js';
import { ApiProvider, useApi } from './api/api-context.js';
import { Banners } from './components/banners.js';
import { DoNotRunUntil } from './components/do-not-run-until.js';
import { messageOf } from './format/error-message.js';
import { formatAbsolute } from './format/time-format.js';
import { useLoad } from './hooks/use-load.js';
import { hrefOf, navigate, useRoute } from './routing/route.js';
import type { Route } from './routing/route.js';
import { AlertsScreen } from './screens/alerts/alerts-screen.js';
import { DashboardScreen } from './screens/dashboard/dashboard-screen.js';
import { TaskEditor } from './screens/editor/task-editor.js';
import { HistoryScreen } from './screens/history/history-screen.js';
import { SettingsScreen } from './screens/settings/settings-screen.js';
import { TasksScreen } from './screens/tasks/tasks-screen.js';
import { TransferScreen } from './screens/transfer/transfer-screen.js';
import { TimelineScreen } from './screens/timeline/timeline-screen.js';
import { applyTheme } from './theme.js';
import type { Theme } from './theme.js';

export function App({ api }: { api: Api | null }) {
  if (!api) {
    return (
      <main className="app">
        <h1>Crontray</h1>
        <p role="alert" className="error">
          This page needs its access token. Open the full address Crontray printed when it started
          in headless mode (it ends in #token=…).
        </p>
      </main>
    );
  }
  return (
    <ApiProvider api={api}>
      <Shell />
    </ApiProvider>
  );
}

const SCREENS: readonly [Route['screen'], string, Route][] = [
  ['tasks', 'Tasks', { screen: 'tasks' }],
  ['history', 'History', { screen: 'history', run: null }],
  ['timeline', 'Timeline', { screen: 'timeline', view: 'week', at: null }],
  ['dashboard', 'Dashboard', { screen: 'dashboard' }],
  ['alerts', 'Alerts', { screen: 'alerts' }],
  ['transfer', 'Import/Export', { screen: 'transfer' }],
  ['settings', 'Settings', { screen: 'settings' }],
];

function Shell() {
  const api = useApi();
  const route = useRoute();
  const [info] = useLoad<AppInfo>(() => api['app:info'](), [api]);
  const [status, setStatus] = useState<SchedulerStatus | null>(null);
  const [statusError, setStatusError] = useState<string | null>(null);
  const [theme, setTheme] = useState<Theme>('system');

  useEffect(() => applyTheme(theme), [theme]);

  useEffect(() => {
    api['settings:get']().then(
      (s) => setTheme(s.theme),
      // Without settings the system theme is the right default; the Settings screen says why.
      () => undefined,
    );
  }, [api]);

  useEffect(() => {
    api['scheduler:status']().then(
      (value) => {
        setStatus(value);
        setStatusError(null);
      },
      (e: unknown) => setStatusError(messageOf(e)),
    );
    return api.on('scheduler:state', (value) => {
      setStatus(value);
      setStatusError(null);
    });
  }, [api]);

  const onTheme = useCallback((t: Theme) => setTheme(t), []);
  const active = route.screen === 'editor' ? 'tasks' : route.screen;

  return (
    <div className="app">
      <header className="app-header">
        <h1>Crontray</h1>
        <span className="version" data-testid="app-version">
          {info.state === 'ready' ? `v${info.value.version} · ${info.value.host}` : ''}
          {info.state === 'ready' && info.value.testMode ? ' · test mode' : ''}
        </span>
        <SchedulerControl status={status} error={statusError} onStatus={setStatus} />
      </header>
      <nav className="tabs" aria-label="Screens">
        {SCREENS.map(([screen, label, target]) => (
          <a
            key={screen}
            href={hrefOf(target)}
            aria-current={active === screen ? 'page' : undefined}
          >
            {label}
          </a>
        ))}
      </nav>
      <Banners vault={status?.vault ?? null} />
      <main>
        {route.screen === 'tasks' && <TasksScreen />}
        {route.screen === 'editor' && (
          <TaskEditor taskId={route.taskId} onSaved={() => navigate({ screen: 'tasks' })} />
        )}
        {route.screen === 'history' && <HistoryScreen run={route.run} />}
        {route.screen === 'timeline' && <TimelineScreen view={route.view} at={route.at} />}
        {route.screen === 'dashboard' && <DashboardScreen />}
        {route.screen === 'alerts' && <AlertsScreen />}
        {route.screen === 'transfer' && <TransferScreen />}
        {route.screen === 'settings' && <SettingsScreen onTheme={onTheme} />}
      </main>
    </div>
  );
}

function SchedulerControl({
  status,
  error,
  onStatus,
}: {
  status: SchedulerStatus | null;
  error: string | null;
  onStatus: (s: SchedulerStatus) => void;
}) {
  const api = useApi();
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);

  const toggle = async () => {
    if (!status) return;
    setBusy(true);
    setActionError(null);
    try {
      onStatus(status.running ? await api['scheduler:stop']() : await api['scheduler:start']());
    } catch (e) {
      setActionError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="scheduler" aria-label="Scheduler">
      {!status && !error && <span className="muted">Loading…</span>}
      {error && (
        <span role="alert" className="error">
          Scheduler status unavailable: {error}
        </span>
      )}
      {status && (
        <>
          <span
            data-testid="scheduler-state"
            className={status.running ? 'badge badge-running' : 'badge badge-stopped'}
          >
            {status.running ? 'Running' : 'Stopped'}
          </span>
          {status.pausedUntil !== null && (
            <span className="muted" title={formatAbsolute(status.pausedUntil)}>
              paused until {new Date(status.pausedUntil).toLocaleTimeString()}
            </span>
          )}
          <button type="button" onClick={() => void toggle()} disabled={busy}>
            {status.running ? 'Stop scheduler' : 'Start scheduler'}
          </button>
          <DoNotRunUntil status={status} onStatus={onStatus} />
        </>
      )}
      {actionError && (
        <span role="alert" className="error">
          {actionError}
        </span>
      )}
    </section>
  );
}
