import type { ConditionPolicy } from '../../../../main/core/model/conditions.js';
import { FieldError } from '../../components/field-error.js';
import type { ConditionsForm, IdleMode } from './conditions-form.js';
import { CheckboxInput, RadioGroup, SelectInput, TextInput } from './form-controls.js';
import type { SectionProps } from './section-props.js';
import type { TimeUnit } from './time-units.js';

const IDLE_MODES = [
  ['none', 'Whether or not I am using the computer'],
  ['minutes', 'Only when I have been idle for some minutes'],
  ['active', 'Never while I am active'],
] as const satisfies readonly (readonly [IdleMode, string])[];

const DEADLINE_UNITS = [
  ['minutes', 'minutes'],
  ['hours', 'hours'],
  ['days', 'days'],
] as const satisfies readonly (readonly [TimeUnit, string])[];

/**
 * "Conditions" (issue 14): AC power, network (or a URL answering), idle; and whether a due run
 * waits for them (up to a deadline, then 'missed') or is skipped. Native inputs only, so Tab
 * and the arrow keys reach every control.
 */
export function ConditionsSection({ form, update, errorOf }: SectionProps) {
  const c = form.conditions;
  const set = (patch: Partial<ConditionsForm>, path: string) =>
    update({ conditions: { ...c, ...patch } }, path);
  const any = c.acPower || c.network || c.idleMode !== 'none';
  const policies = [
    ['wait', 'Wait (up to the deadline below), then record the run missed'],
    ['skip', "Skip the run (recorded 'skipped')"],
  ] as const satisfies readonly (readonly [ConditionPolicy, string])[];
  return (
    <fieldset className="card" aria-label="Conditions">
      <legend>Conditions</legend>
      <CheckboxInput
        label="Only on AC power"
        checked={c.acPower}
        onChange={(acPower) => set({ acPower }, 'conditions.acPower')}
      />
      <CheckboxInput
        label="Only when the network is up"
        checked={c.network}
        onChange={(network) => set({ network }, 'conditions.network')}
      />
      {c.network && (
        <TextInput
          path="conditions.network.url"
          label="URL that must answer (optional)"
          type="url"
          placeholder="https://example.com/"
          value={c.url}
          error={errorOf('conditions.network.url')}
          hint="Any answer counts, even an error page: the point is that the server is reachable."
          onChange={(url) => set({ url }, 'conditions.network.url')}
        />
      )}
      <RadioGroup
        path="conditions.idleMinutes"
        label="Idle"
        value={c.idleMode}
        options={IDLE_MODES}
        error={c.idleMode === 'minutes' ? undefined : errorOf('conditions.idleMinutes')}
        onChange={(idleMode) => set({ idleMode }, 'conditions.idleMinutes')}
      />
      {c.idleMode === 'minutes' && (
        <TextInput
          path="conditions.idleMinutes.value"
          label="Idle for at least this many minutes"
          type="number"
          min={1}
          value={c.idleMinutes}
          error={errorOf('conditions.idleMinutes')}
          onChange={(idleMinutes) => set({ idleMinutes }, 'conditions.idleMinutes')}
        />
      )}
      {any && (
        <>
          <RadioGroup
            path="conditions.policy"
            label="When a run is due and the conditions do not hold"
            value={c.policy}
            options={policies}
            error={errorOf('conditions.policy')}
            onChange={(policy) => set({ policy }, 'conditions.policy')}
          />
          {c.policy === 'wait' && (
            <div className="grid-3">
              <TextInput
                path="conditions.deadlineMs"
                label="Wait at most"
                type="number"
                min={0}
                value={c.deadlineValue}
                error={errorOf('conditions.deadlineMs')}
                onChange={(deadlineValue) => set({ deadlineValue }, 'conditions.deadlineMs')}
              />
              <SelectInput
                path="conditions.deadlineUnit"
                label="Unit of the wait"
                value={c.deadlineUnit}
                options={DEADLINE_UNITS}
                error={undefined}
                onChange={(deadlineUnit) => set({ deadlineUnit }, 'conditions.deadlineMs')}
              />
            </div>
          )}
        </>
      )}
      <FieldError id="f-conditions-error" message={errorOf('conditions')} />
    </fieldset>
  );
}
