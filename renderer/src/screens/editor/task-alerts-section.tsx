import { useEffect, useState } from 'react';
import type { AlertSettings, TaskAlerts, TaskAlertsView } from '../../../../main/api/contract.js';
import { useApi } from '../../api/api-context.js';
import { fieldIssues, messageOf } from '../../format/error-message.js';
import { CheckboxInput, SelectInput, TextInput } from './form-controls.js';

type Missed = 'follow' | 'watch' | 'off';

/** The section's fields as typed; empty text follows the global alert settings. */
interface AlertsForm {
  custom: boolean;
  /** null: the global default channels. */
  channels: string[] | null;
  failureAfter: string;
  slowSeconds: string;
  missed: Missed;
  graceMinutes: string;
}

function formOf(view: TaskAlertsView): AlertsForm {
  const r = view.alerts.rules;
  return {
    custom: view.custom,
    channels: view.alerts.channels,
    failureAfter: r.failureAfter === undefined ? '' : String(r.failureAfter),
    slowSeconds: r.slow?.limitMs == null ? '' : String(r.slow.limitMs / 1000),
    missed: r.missed === undefined ? 'follow' : r.missed.enabled ? 'watch' : 'off',
    graceMinutes: r.missed === undefined ? '' : String(r.missed.graceMs / 60_000),
  };
}

/** Field path -> problem, for what the browser can tell before asking the service. */
function problemsOf(form: AlertsForm): Map<string, string> {
  const p = new Map<string, string>();
  const whole = (text: string, min: number, max: number) =>
    /^\d+$/.test(text.trim()) && Number(text) >= min && Number(text) <= max;
  if (form.failureAfter !== '' && !whole(form.failureAfter, 1, 1000))
    p.set('rules.failureAfter', 'Alert after: enter a whole number of runs from 1 to 1000.');
  const slow = Number(form.slowSeconds);
  if (form.slowSeconds !== '' && !(Number.isFinite(slow) && slow > 0 && slow <= 7 * 86_400))
    p.set('rules.slow.limitMs', 'Slow after: enter a number of seconds above 0 (at most 7 days).');
  const grace = Number(form.graceMinutes);
  if (form.missed === 'watch' && !(Number.isFinite(grace) && grace >= 1 / 60 && grace <= 7 * 1440))
    p.set('rules.missed.graceMs', 'Grace: enter minutes from 1 second (0.02) up to 7 days.');
  if (form.channels !== null && form.channels.length === 0)
    p.set('channels', 'Channels: tick at least one channel, or use the default channels.');
  return p;
}

/** The task's alert settings as the service stores them, keeping what this form does not show. */
function alertsOf(form: AlertsForm, stored: TaskAlerts, settings: AlertSettings): TaskAlerts {
  const rules: TaskAlerts['rules'] = { ...stored.rules };
  delete rules.failureAfter;
  delete rules.missed;
  if (form.failureAfter !== '') rules.failureAfter = Number(form.failureAfter);
  rules.slow =
    form.slowSeconds === ''
      ? stored.rules.slow?.p95Factor != null
        ? { limitMs: null, p95Factor: stored.rules.slow.p95Factor }
        : undefined
      : {
          limitMs: Math.round(Number(form.slowSeconds) * 1000),
          p95Factor: stored.rules.slow?.p95Factor ?? settings.rules.slow.p95Factor,
        };
  if (rules.slow === undefined) delete rules.slow;
  if (form.missed !== 'follow')
    rules.missed = {
      enabled: form.missed === 'watch',
      graceMs:
        form.missed === 'watch'
          ? Math.round(Number(form.graceMinutes) * 60_000)
          : settings.rules.missed.graceMs,
    };
  return { ...stored, channels: form.channels, rules };
}

/**
 * A task's own alert settings (its channels, failures before an alert, the slow limit and the
 * missed-run grace), saved on their own so they never hold up the task's own Save.
 */
export function TaskAlertsSection({ taskId }: { taskId: string }) {
  const api = useApi();
  const [loaded, setLoaded] = useState<{ view: TaskAlertsView; settings: AlertSettings } | null>(
    null,
  );
  const [form, setForm] = useState<AlertsForm | null>(null);
  const [issues, setIssues] = useState<Map<string, string>>(new Map());
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);

  useEffect(() => {
    let live = true;
    void Promise.all([api['alerts:task:get']({ id: taskId }), api['alerts:settings:get']()]).then(
      ([view, settings]) => {
        if (!live) return;
        setLoaded({ view, settings });
        setForm(formOf(view));
      },
      (e: unknown) => live && setStatus({ ok: false, text: messageOf(e) }),
    );
    return () => {
      live = false;
    };
  }, [api, taskId]);

  // Quietly: the task itself can still be edited when its alert settings cannot be read.
  if (!loaded || !form)
    return status ? (
      <p className="hint">Alert settings could not be loaded: {status.text}</p>
    ) : null;
  const { settings } = loaded;
  const change = (patch: Partial<AlertsForm>, path: string) => {
    setForm({ ...form, ...patch });
    setStatus(null);
    setIssues((i) => {
      const next = new Map(i);
      for (const key of i.keys()) if (key.startsWith(path)) next.delete(key);
      return next;
    });
  };

  const save = async () => {
    const local = form.custom ? problemsOf(form) : new Map<string, string>();
    setIssues(local);
    if (local.size > 0) {
      setStatus({ ok: false, text: [...local.values()].join(' ') });
      return;
    }
    try {
      const view = await api['alerts:task:set']({
        id: taskId,
        alerts: form.custom ? alertsOf(form, loaded.view.alerts, settings) : null,
      });
      setLoaded({ view, settings });
      setForm(formOf(view));
      setStatus({ ok: true, text: 'Alert settings saved.' });
    } catch (e) {
      const byField = new Map<string, string>();
      for (const [path, message] of fieldIssues(e))
        byField.set(path.replace(/^alerts\./, ''), message);
      setIssues(byField);
      setStatus({ ok: false, text: messageOf(e) });
    }
  };

  const r = settings.rules;
  return (
    <form
      className="card"
      aria-label="Alerts for this task"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <h3>Alerts</h3>
      <CheckboxInput
        label="Use this task's own alert settings"
        checked={form.custom}
        onChange={(custom) => change({ custom }, 'custom')}
        hint={form.custom ? undefined : 'The task follows the settings of the Alerts view.'}
      />
      {form.custom && (
        <>
          <fieldset aria-describedby={issues.has('channels') ? 'alerts-channels-error' : undefined}>
            <legend>Channels</legend>
            <CheckboxInput
              label="The default channels"
              checked={form.channels === null}
              onChange={(d) => change({ channels: d ? null : [] }, 'channels')}
            />
            {form.channels !== null &&
              settings.channels.map((c) => (
                <CheckboxInput
                  key={c.id}
                  label={`${c.name} (${c.kind})`}
                  checked={form.channels?.includes(c.id) ?? false}
                  onChange={(on) =>
                    change(
                      {
                        channels: on
                          ? [...(form.channels ?? []), c.id]
                          : (form.channels ?? []).filter((id) => id !== c.id),
                      },
                      'channels',
                    )
                  }
                />
              ))}
            {issues.has('channels') && (
              <p id="alerts-channels-error" className="error">
                {issues.get('channels')}
              </p>
            )}
          </fieldset>
          <TextInput
            path="alerts.rules.failureAfter"
            label="Alert after this many failed runs in a row"
            type="number"
            min={1}
            value={form.failureAfter}
            placeholder={`${r.failureAfter} (as in the Alerts view)`}
            error={issues.get('rules.failureAfter')}
            onChange={(failureAfter) => change({ failureAfter }, 'rules.failureAfter')}
          />
          <TextInput
            path="alerts.rules.slow.limitMs"
            label="Slow after (seconds)"
            type="number"
            min={0}
            step="any"
            value={form.slowSeconds}
            placeholder={r.slow.limitMs === null ? 'no limit' : String(r.slow.limitMs / 1000)}
            error={issues.get('rules.slow.limitMs') ?? issues.get('rules.slow')}
            onChange={(slowSeconds) => change({ slowSeconds }, 'rules.slow')}
          />
          <SelectInput<Missed>
            path="alerts.rules.missed.enabled"
            label="Missed runs"
            value={form.missed}
            error={undefined}
            options={[
              ['follow', 'As in the Alerts view'],
              ['watch', 'Alert when a run has not started within the grace'],
              ['off', 'Do not watch for missed runs'],
            ]}
            onChange={(missed) =>
              change(
                {
                  missed,
                  graceMinutes:
                    form.graceMinutes === ''
                      ? String(r.missed.graceMs / 60_000)
                      : form.graceMinutes,
                },
                'rules.missed',
              )
            }
          />
          {form.missed === 'watch' && (
            <TextInput
              path="alerts.rules.missed.graceMs"
              label="Missed-run grace (minutes)"
              type="number"
              min={0}
              step="any"
              value={form.graceMinutes}
              error={issues.get('rules.missed.graceMs') ?? issues.get('rules.missed')}
              onChange={(graceMinutes) => change({ graceMinutes }, 'rules.missed')}
            />
          )}
        </>
      )}
      <div className="row end">
        {status && (
          <span role={status.ok ? 'status' : 'alert'} className={status.ok ? 'hint' : 'error'}>
            {status.text}
          </span>
        )}
        <button type="submit">Save alert settings</button>
      </div>
    </form>
  );
}
