import type { QuietPolicy, QuietWindow } from '../../../../main/core/model/triggers.js';
import { FieldError } from '../../components/field-error.js';
import type { SectionProps } from './section-props.js';
import { ChainEntries } from './chain-entries.js';
import { CheckboxInput, SelectInput, TextInput } from './form-controls.js';
import type { ExtraScheduleKind, ScheduleRow, TriggersForm, WindowRow } from './triggers-form.js';
import { TIME_UNIT_OPTIONS } from './time-units.js';
import { newScheduleRow, newWindowRow } from './triggers-form.js';

const WINDOW_KINDS = [
  ['daily', 'Every day'],
  ['weekly', 'On some days of the week'],
  ['dates', 'From one date to another'],
] as const satisfies readonly (readonly [QuietWindow['kind'], string])[];

const QUIET_POLICIES = [
  ['skip', "Skip them (recorded as 'skipped')"],
  ['defer', 'Run once when the window ends'],
] as const satisfies readonly (readonly [QuietPolicy, string])[];

const SCHEDULE_KINDS = [
  ['cron', 'Cron pattern'],
  ['interval', 'Every fixed interval'],
  ['once', 'Once, at a date and time'],
] as const satisfies readonly (readonly [ExtraScheduleKind, string])[];

const DAY_NAMES = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/**
 * "More triggers": more schedules, a random delay, quiet windows, events and other tasks this one
 * runs after (issue 14). Every control is a native input or button, so Tab reaches each one in
 * order. `selfId` is the task being edited (null for a new one): it cannot run after itself.
 */
export function TriggersSection({
  form,
  update,
  errorOf,
  selfId,
}: SectionProps & { selfId: string | null }) {
  const t = form.triggers;
  const set = (patch: Partial<TriggersForm>, path: string) =>
    update({ triggers: { ...t, ...patch } }, `triggers.${path}`);
  const setWindow = (i: number, patch: Partial<WindowRow>, field: string) =>
    set(
      { windows: t.windows.map((w, j) => (j === i ? { ...w, ...patch } : w)) },
      `quiet.windows.${i}.${field}`,
    );
  return (
    <fieldset className="card" aria-label="More triggers">
      <legend>More triggers</legend>
      <h3>More schedules</h3>
      {t.schedules.map((row, i) => (
        <ExtraScheduleRow
          key={row.key}
          index={i}
          row={row}
          errorOf={errorOf}
          onChange={(p, field) =>
            set(
              { schedules: t.schedules.map((r, j) => (j === i ? { ...r, ...p } : r)) },
              `schedules.${i}.${field}`,
            )
          }
          onRemove={() => set({ schedules: t.schedules.filter((_, j) => j !== i) }, 'schedules')}
        />
      ))}
      <button
        type="button"
        onClick={() => set({ schedules: [...t.schedules, newScheduleRow()] }, 'schedules')}
      >
        Add a schedule
      </button>
      <TextInput
        path="triggers.jitterSec"
        label="Random delay, up to this many seconds (0: none)"
        type="number"
        min={0}
        value={t.jitterSeconds}
        error={errorOf('triggers.jitterSec')}
        hint="Spreads tasks due at the same moment; the preview shows each run's range."
        onChange={(jitterSeconds) => set({ jitterSeconds }, 'jitterSec')}
      />
      <h3>Quiet windows</h3>
      {t.windows.map((w, i) => (
        <QuietWindowRow
          key={w.key}
          index={i}
          row={w}
          errorOf={errorOf}
          change={(patch, field) => setWindow(i, patch, field)}
          remove={() => set({ windows: t.windows.filter((_, j) => j !== i) }, 'quiet.windows')}
        />
      ))}
      <button
        type="button"
        onClick={() => set({ windows: [...t.windows, newWindowRow()] }, 'quiet.windows')}
      >
        Add a quiet window
      </button>
      {t.windows.length > 0 && (
        <SelectInput
          path="triggers.quiet.policy"
          label="Runs due inside a quiet window"
          value={t.quietPolicy}
          options={QUIET_POLICIES}
          error={errorOf('triggers.quiet.policy')}
          onChange={(quietPolicy) => set({ quietPolicy }, 'quiet.policy')}
        />
      )}
      <h3>Events</h3>
      <CheckboxInput
        label="Also run when Crontray starts"
        checked={t.onStart}
        onChange={(onStart) => set({ onStart }, 'events')}
      />
      <CheckboxInput
        label="Also run after the machine wakes from sleep"
        checked={t.onWake}
        onChange={(onWake) => set({ onWake }, 'events')}
      />
      <CheckboxInput
        label="Run on these events only (the schedule is not used)"
        checked={t.eventsOnly}
        onChange={(eventsOnly) => set({ eventsOnly }, 'eventsOnly')}
      />
      <FieldError
        id="f-triggers-events-error"
        message={errorOf('triggers.eventsOnly') ?? errorOf('triggers.events')}
      />
      <ChainEntries
        rows={t.after}
        selfId={selfId}
        errorOf={errorOf}
        change={(after, field) => set({ after }, field)}
      />
    </fieldset>
  );
}

function QuietWindowRow({
  index: i,
  row,
  errorOf,
  change,
  remove,
}: {
  index: number;
  row: WindowRow;
  errorOf: SectionProps['errorOf'];
  change: (patch: Partial<WindowRow>, field: string) => void;
  remove: () => void;
}) {
  const path = `triggers.quiet.windows.${i}`;
  const dates = row.kind === 'dates';
  const kindChanged = (kind: WindowRow['kind']) => {
    const fresh = newWindowRow(kind);
    change({ kind, from: fresh.from, to: fresh.to, days: fresh.days }, 'kind');
  };
  return (
    <div className="quiet-window" role="group" aria-label={`Quiet window ${i + 1}`}>
      <div className="grid-3">
        <SelectInput
          path={`${path}.kind`}
          label={`Quiet window ${i + 1}`}
          value={row.kind}
          options={WINDOW_KINDS}
          error={errorOf(path)}
          onChange={kindChanged}
        />
        <TextInput
          path={`${path}.from`}
          label={dates ? 'First quiet day (YYYY-MM-DD)' : 'From'}
          type={dates ? 'text' : 'time'}
          value={row.from}
          error={errorOf(`${path}.from`)}
          onChange={(from) => change({ from }, 'from')}
        />
        <TextInput
          path={`${path}.to`}
          label={dates ? 'Last quiet day (YYYY-MM-DD)' : 'To (before From: over midnight)'}
          type={dates ? 'text' : 'time'}
          value={row.to}
          error={errorOf(`${path}.to`)}
          onChange={(to) => change({ to }, 'to')}
        />
      </div>
      {row.kind === 'weekly' && (
        <div className="weekdays" role="group" aria-label={`Days of quiet window ${i + 1}`}>
          {DAY_NAMES.map((name, day) => (
            <CheckboxInput
              key={name}
              label={name}
              checked={row.days.includes(day)}
              onChange={(on) =>
                change(
                  { days: on ? [...row.days, day].sort() : row.days.filter((d) => d !== day) },
                  'days',
                )
              }
            />
          ))}
          <FieldError
            id={`f-${path.replace(/\./g, '-')}-days-error`}
            message={errorOf(`${path}.days`)}
          />
        </div>
      )}
      <button type="button" onClick={remove}>
        Remove quiet window {i + 1}
      </button>
    </div>
  );
}

/** Schedule N besides the main one: its kind, what that kind needs, and a zone for a pattern. */
function ExtraScheduleRow({
  index,
  row,
  errorOf,
  onChange,
  onRemove,
}: {
  index: number;
  row: ScheduleRow;
  errorOf: SectionProps['errorOf'];
  onChange: (patch: Partial<ScheduleRow>, field: string) => void;
  onRemove: () => void;
}) {
  const path = `triggers.schedules.${index}`;
  const n = index + 2;
  return (
    <div className="grid-3">
      <SelectInput
        path={`${path}.schedule.kind`}
        label={`Schedule ${n}: kind`}
        value={row.kind}
        options={SCHEDULE_KINDS}
        error={errorOf(`${path}.schedule.kind`)}
        onChange={(kind) => onChange({ kind }, 'schedule.kind')}
      />
      {row.kind === 'cron' && (
        <>
          <TextInput
            path={`${path}.schedule.pattern`}
            label={`Schedule ${n}: cron pattern`}
            value={row.pattern}
            spellCheck={false}
            error={errorOf(`${path}.schedule.pattern`)}
            onChange={(pattern) => onChange({ pattern }, 'schedule.pattern')}
          />
          <TextInput
            path={`${path}.timezone`}
            label={`Schedule ${n}: time zone (empty: the task's)`}
            value={row.timezone}
            error={errorOf(`${path}.timezone`)}
            onChange={(timezone) => onChange({ timezone }, 'timezone')}
          />
        </>
      )}
      {row.kind === 'interval' && (
        <>
          <TextInput
            path={`${path}.schedule.everyMs`}
            label={`Schedule ${n}: every`}
            type="number"
            min={0}
            step="any"
            value={row.everyValue}
            error={errorOf(`${path}.schedule.everyMs`)}
            onChange={(everyValue) => onChange({ everyValue }, 'schedule.everyMs')}
          />
          <SelectInput
            path={`${path}.schedule.everyUnit`}
            label={`Schedule ${n}: unit`}
            value={row.everyUnit}
            options={TIME_UNIT_OPTIONS}
            error={undefined}
            onChange={(everyUnit) => onChange({ everyUnit }, 'schedule.everyMs')}
          />
        </>
      )}
      {row.kind === 'once' && (
        <TextInput
          path={`${path}.schedule.at`}
          label={`Schedule ${n}: date and time (this computer's time)`}
          type="datetime-local"
          value={row.onceAt}
          error={errorOf(`${path}.schedule.at`)}
          onChange={(onceAt) => onChange({ onceAt }, 'schedule.at')}
        />
      )}
      <button type="button" onClick={onRemove}>
        Remove schedule {n}
      </button>
    </div>
  );
}
