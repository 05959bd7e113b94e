import { useState } from 'react';
import type { PreviewState } from './use-schedule-preview.js';
import type { SectionProps } from './section-props.js';
import type { ScheduleKind } from './editor-form.js';
import { TIME_UNIT_OPTIONS } from './time-units.js';
import { SelectInput, TextInput } from './form-controls.js';
import { presetPattern } from './cron-presets.js';
import type { CronPreset } from './cron-presets.js';
import { describeCron } from './cron-description.js';
import { splitCrontabLine } from '../../../../main/core/schedule/crontab-line.js';
import { CrontabLineOffer } from './crontab-line-offer.js';

const KINDS = [
  ['cron', 'Cron pattern'],
  ['interval', 'Every fixed interval'],
  ['routine', 'Again after each run ends (routine)'],
  ['once', 'Once, at a date and time'],
] as const satisfies readonly (readonly [ScheduleKind, string])[];

const PRESETS: readonly [CronPreset, string][] = [
  ['every-minute', 'Every minute'],
  ['hourly', 'Hourly'],
  ['daily', 'Daily at'],
  ['weekdays', 'Weekdays at'],
];

function zones(): string[] {
  try {
    return Intl.supportedValuesOf('timeZone');
  } catch {
    return ['UTC'];
  }
}

const localZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

export function ScheduleSection({
  form,
  update,
  errorOf,
  preview,
}: SectionProps & { preview: PreviewState }) {
  const [presetTime, setPresetTime] = useState('09:00');
  const [allZones] = useState(zones);
  const words = form.scheduleKind === 'cron' ? describeCron(form.cronPattern) : null;
  const crontabLine = form.scheduleKind === 'cron' ? splitCrontabLine(form.cronPattern) : null;
  const previewIssue =
    preview.state === 'error'
      ? (preview.issues.get('schedule.pattern') ??
        preview.issues.get('schedule') ??
        preview.message)
      : undefined;
  // A pasted crontab line is explained by the offer below the field, not by a refusal.
  const patternError = crontabLine
    ? undefined
    : (errorOf('schedule.pattern') ?? (form.scheduleKind === 'cron' ? previewIssue : undefined));

  return (
    <fieldset className="card">
      <legend>Schedule</legend>
      <SelectInput
        path="schedule.kind"
        label="Schedule type"
        value={form.scheduleKind}
        options={KINDS}
        error={errorOf('schedule.kind')}
        onChange={(scheduleKind) => update({ scheduleKind }, 'schedule')}
      />

      {form.scheduleKind === 'cron' && (
        <>
          <TextInput
            path="schedule.pattern"
            label="Cron pattern"
            value={form.cronPattern}
            spellCheck={false}
            placeholder="*/5 * * * *"
            error={patternError}
            hint={
              <>
                minute hour day-of-month month day-of-week, with an optional seconds field first; L,
                L-3, W, #, names such as MON or JANUARY, and nicknames such as @daily work too.
                {words && (
                  <>
                    <br />
                    <strong data-testid="cron-description">{words}</strong>
                  </>
                )}
              </>
            }
            onChange={(cronPattern) => update({ cronPattern }, 'schedule.pattern', 'schedule')}
          />
          {crontabLine && <CrontabLineOffer line={crontabLine} form={form} update={update} />}
          <div className="presets" role="group" aria-label="Presets">
            {PRESETS.map(([preset, text]) => (
              <button
                key={preset}
                type="button"
                className="secondary"
                onClick={() =>
                  update(
                    { cronPattern: presetPattern(preset, presetTime) },
                    'schedule.pattern',
                    'schedule',
                  )
                }
              >
                {preset === 'daily' || preset === 'weekdays' ? `${text} ${presetTime}` : text}
              </button>
            ))}
            <label className="inline">
              Preset time
              <input
                type="time"
                value={presetTime}
                onChange={(e) => setPresetTime(e.target.value || '09:00')}
              />
            </label>
          </div>
          <SelectInput
            path="schedule.dayMatch"
            label="When both day fields are set"
            value={form.dayMatch}
            options={[
              ['or', 'Run on either (classic cron)'],
              ['and', 'Run only when both match'],
            ]}
            error={errorOf('schedule.dayMatch')}
            onChange={(dayMatch) => update({ dayMatch }, 'schedule.dayMatch')}
          />
        </>
      )}

      {form.scheduleKind === 'interval' && (
        <div className="row">
          <TextInput
            path="schedule.everyMs"
            label="Every"
            type="number"
            min={0}
            step="any"
            value={form.everyValue}
            error={errorOf('schedule.everyMs')}
            onChange={(everyValue) => update({ everyValue }, 'schedule.everyMs')}
          />
          <SelectInput
            path="schedule.everyUnit"
            label="Unit"
            value={form.everyUnit}
            options={TIME_UNIT_OPTIONS}
            error={undefined}
            onChange={(everyUnit) => update({ everyUnit }, 'schedule.everyMs')}
          />
        </div>
      )}

      {form.scheduleKind === 'routine' && (
        <div className="row">
          <TextInput
            path="schedule.waitMs"
            label="Wait after each run"
            type="number"
            min={0}
            step="any"
            value={form.waitValue}
            error={errorOf('schedule.waitMs')}
            onChange={(waitValue) => update({ waitValue }, 'schedule.waitMs')}
          />
          <SelectInput
            path="schedule.waitUnit"
            label="Unit"
            value={form.waitUnit}
            options={TIME_UNIT_OPTIONS}
            error={undefined}
            onChange={(waitUnit) => update({ waitUnit }, 'schedule.waitMs')}
          />
        </div>
      )}

      {(form.scheduleKind === 'interval' || form.scheduleKind === 'routine') && (
        <TextInput
          path="schedule.maxCycles"
          label="Stop after this many runs (empty: never)"
          type="number"
          min={1}
          value={form.maxCycles}
          error={errorOf('schedule.maxCycles')}
          onChange={(maxCycles) => update({ maxCycles }, 'schedule.maxCycles')}
        />
      )}

      {form.scheduleKind === 'once' && (
        <TextInput
          path="schedule.at"
          label="Run at (your local time)"
          type="datetime-local"
          value={form.onceAt}
          error={errorOf('schedule.at')}
          onChange={(onceAt) => update({ onceAt }, 'schedule.at')}
        />
      )}

      <SelectInput
        path="timezone"
        label="Time zone"
        value={form.timezone}
        options={[
          ['', `This computer's zone (${localZone})`] as const,
          ...allZones.map((z) => [z, z] as const),
        ]}
        error={errorOf('timezone')}
        onChange={(timezone) => update({ timezone }, 'timezone')}
      />

      <SchedulePreviewView preview={preview} showError={form.scheduleKind !== 'cron'} />
    </fieldset>
  );
}

function SchedulePreviewView({
  preview,
  showError,
}: {
  preview: PreviewState;
  showError: boolean;
}) {
  if (preview.state === 'idle') return null;
  if (preview.state === 'checking') {
    return (
      <p className="muted" role="status">
        Checking the schedule…
      </p>
    );
  }
  if (preview.state === 'error') {
    if (!showError && preview.invalid) return null;
    return (
      <p className={preview.invalid ? 'error' : 'warning'} data-testid="preview-error">
        {preview.invalid
          ? preview.message
          : `The schedule cannot be previewed right now: ${preview.message}`}
      </p>
    );
  }
  const { preview: p } = preview;
  return (
    <div className="preview" data-testid="schedule-preview" aria-live="polite">
      <p>
        <strong>{p.description}</strong>
      </p>
      {p.runs.length === 0 ? (
        <p className="muted">This schedule has no upcoming runs.</p>
      ) : (
        <table className="compact" aria-label="Next runs">
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">Task time ({p.timezone})</th>
              <th scope="col">Your time</th>
            </tr>
          </thead>
          <tbody>
            {p.runs.map((r, i) => (
              <tr key={r.at}>
                <td>{i + 1}</td>
                <td>
                  {r.taskTime}
                  {r.latestTaskTime ? ` to ${r.latestTaskTime.slice(11)}` : ''}
                </td>
                <td>{r.localTime}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {p.triggerNotes && p.triggerNotes.length > 0 && (
        <ul className="trigger-notes" aria-label="Triggers">
          {p.triggerNotes.map((note) => (
            <li key={note}>{note}</li>
          ))}
        </ul>
      )}
      {p.conditionNotes && p.conditionNotes.length > 0 && (
        <ul className="condition-notes" aria-label="Run conditions">
          {p.conditionNotes.map((note) => (
            <li key={note}>{note}</li>
          ))}
        </ul>
      )}
      {p.dstNotes.length > 0 && (
        <ul className="dst-notes" aria-label="Daylight saving notes">
          {p.dstNotes.map((note) => (
            <li key={note}>{note}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
