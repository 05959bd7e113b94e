import { useEffect, useState } from 'react';
import type { Settings } from '../../../../main/api/contract.js';
import { useApi } from '../../api/api-context.js';
import { LoadView } from '../../components/load-view.js';
import { fieldIssues, messageOf } from '../../format/error-message.js';
import { useEvents } from '../../hooks/use-events.js';
import { useLoad } from '../../hooks/use-load.js';
import type { Theme } from '../../theme.js';
import { TextInput } from '../editor/form-controls.js';
import { RedisSection } from './redis-section.js';
import { UpdatesSection } from './updates-section.js';

const THEMES: readonly [Theme, string][] = [
  ['system', 'Follow the system'],
  ['light', 'Light'],
  ['dark', 'Dark'],
];

/** Where data lives, how Crontray behaves, and how safe the vault is. */
export function SettingsScreen({ onTheme }: { onTheme: (theme: Theme) => void }) {
  const api = useApi();
  const [settings, reloadSettings] = useLoad(() => api['settings:get'](), [api]);
  const [info, reloadInfo] = useLoad(() => api['app:info'](), [api]);
  const [vault, reloadVault] = useLoad(() => api['vault:status'](), [api]);
  useEvents(['scheduler:state'], reloadVault);

  return (
    <section aria-labelledby="settings-heading" className="screen">
      <div className="screen-header">
        <h2 id="settings-heading">Settings</h2>
      </div>
      <section className="card" aria-labelledby="prefs-heading">
        <h3 id="prefs-heading">Preferences</h3>
        <LoadView load={settings} what="settings" onRetry={reloadSettings}>
          {(value) => <SettingsForm initial={value} onTheme={onTheme} />}
        </LoadView>
      </section>
      <section className="card" aria-labelledby="vault-heading">
        <h3 id="vault-heading">Vault</h3>
        <LoadView load={vault} what="the vault status" onRetry={reloadVault}>
          {(v) => (
            <>
              <dl className="facts">
                <dt>Backend</dt>
                <dd data-testid="vault-backend">{v.backend}</dd>
                <dt>Encrypted</dt>
                <dd>{v.secure ? 'yes' : 'no'}</dd>
                <dt>Stored actions</dt>
                <dd>{v.entries}</dd>
              </dl>
              {(!v.secure || v.warning) && (
                <p className="warning" role="alert" data-testid="vault-warning">
                  {v.warning ??
                    `Task actions are not encrypted with this backend (${v.backend}). Do not store secrets.`}
                </p>
              )}
              {v.locked.length > 0 && (
                <p className="warning">
                  {v.locked.length} task(s) cannot be decrypted and are locked; they are kept
                  untouched.
                </p>
              )}
            </>
          )}
        </LoadView>
      </section>
      <RedisSection />
      <UpdatesSection />
      <section className="card" aria-labelledby="about-heading">
        <h3 id="about-heading">About</h3>
        <LoadView load={info} what="app information" onRetry={reloadInfo}>
          {(i) => (
            <dl className="facts">
              <dt>Data folder</dt>
              <dd>
                <code data-testid="data-dir">{i.dataDir}</code>
              </dd>
              <dt>Version</dt>
              <dd>
                {i.name} {i.version} ({i.host}
                {i.testMode ? ', test mode' : ''})
              </dd>
              <dt>Platform</dt>
              <dd>
                {i.platform} · Node {i.versions.node}
                {i.versions.electron ? ` · Electron ${i.versions.electron}` : ''}
              </dd>
            </dl>
          )}
        </LoadView>
      </section>
    </section>
  );
}

function SettingsForm({
  initial,
  onTheme,
}: {
  initial: Settings;
  onTheme: (theme: Theme) => void;
}) {
  const api = useApi();
  const [saved, setSaved] = useState(initial);
  const [keepLast, setKeepLast] = useState(String(initial.retention.keepLast));
  const [keepFailuresDays, setKeepFailuresDays] = useState(
    String(initial.retention.keepFailuresDays),
  );
  const [concurrency, setConcurrency] = useState(String(initial.globalConcurrency));
  const [error, setError] = useState<string | null>(null);
  const [issues, setIssues] = useState<Map<string, string>>(new Map());
  const [notice, setNotice] = useState<string | null>(null);

  useEffect(() => onTheme(initial.theme), [initial.theme, onTheme]);

  const set = async (patch: Partial<Settings>, what: string) => {
    setError(null);
    setNotice(null);
    setIssues(new Map());
    try {
      const next = await api['settings:set'](patch);
      setSaved(next);
      setNotice(`${what} saved.`);
      return next;
    } catch (e) {
      setError(messageOf(e));
      setIssues(fieldIssues(e));
      return null;
    }
  };

  const number = (text: string) => (text.trim() === '' ? Number.NaN : Number(text));

  return (
    <div className="settings-form">
      <div className="field checkbox">
        <label>
          <input
            type="checkbox"
            checked={saved.startAtLogin}
            onChange={(e) => void set({ startAtLogin: e.target.checked }, 'Start at login')}
          />{' '}
          Start Crontray when I log in
        </label>
      </div>
      <div className="field checkbox">
        <label>
          <input
            type="checkbox"
            checked={saved.notifications}
            onChange={(e) => void set({ notifications: e.target.checked }, 'Notifications')}
          />{' '}
          Notify me when a task fails
        </label>
      </div>
      <fieldset className="field radios">
        <legend>Theme</legend>
        {THEMES.map(([theme, text]) => (
          <label key={theme} className="inline">
            <input
              type="radio"
              name="theme"
              value={theme}
              checked={saved.theme === theme}
              onChange={() => {
                const previous = saved.theme;
                onTheme(theme);
                setSaved({ ...saved, theme });
                void set({ theme }, 'Theme').then((next) => {
                  if (!next) {
                    onTheme(previous);
                    setSaved((s) => ({ ...s, theme: previous }));
                  }
                });
              }}
            />{' '}
            {text}
          </label>
        ))}
      </fieldset>
      <form
        className="grid-3"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void set(
            {
              retention: { keepLast: number(keepLast), keepFailuresDays: number(keepFailuresDays) },
              globalConcurrency: number(concurrency),
            },
            'History and concurrency',
          );
        }}
      >
        <TextInput
          path="retention.keepLast"
          label="Keep the last runs per task"
          type="number"
          min={1}
          value={keepLast}
          error={issues.get('retention.keepLast')}
          onChange={setKeepLast}
        />
        <TextInput
          path="retention.keepFailuresDays"
          label="Keep failures for (days)"
          type="number"
          min={0}
          value={keepFailuresDays}
          error={issues.get('retention.keepFailuresDays')}
          onChange={setKeepFailuresDays}
        />
        <TextInput
          path="globalConcurrency"
          label="Runs at once, across tasks"
          type="number"
          min={1}
          value={concurrency}
          error={issues.get('globalConcurrency')}
          onChange={setConcurrency}
        />
        <div className="row end span-3">
          <button type="submit">Save history settings</button>
        </div>
      </form>
      {error && (
        <p role="alert" className="error">
          Could not save: {error}
        </p>
      )}
      {notice && (
        <p role="status" className="info">
          {notice}
        </p>
      )}
    </div>
  );
}
