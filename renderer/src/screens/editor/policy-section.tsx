import type { CatchUpPolicy, OverlapPolicy } from '../../../../main/core/model/task.js';
import type { SectionProps } from './section-props.js';
import type { EditorForm } from './editor-form.js';
import { CheckboxInput, SelectInput, TextInput } from './form-controls.js';

const OVERLAP = [
  ['skip', 'Skip the new run'],
  ['queue', 'Queue it until the current run ends'],
  ['parallel', 'Run both at once'],
  ['replace', 'Cancel the current run and start the new one'],
] as const satisfies readonly (readonly [OverlapPolicy, string])[];

const CATCH_UP = [
  ['none', 'Only record them as missed'],
  ['latest', 'Run once for the latest'],
  ['all', 'Run each of them (up to a cap)'],
] as const satisfies readonly (readonly [CatchUpPolicy, string])[];

const RUN_ON = [
  ['local', 'This computer'],
  ['cluster', 'A cluster queue (crontray worker)'],
] as const satisfies readonly (readonly [EditorForm['runOnKind'], string])[];

export function PolicySection({ form, update, errorOf }: SectionProps) {
  return (
    <fieldset className="card">
      <legend>Policies</legend>
      <CheckboxInput
        label="Enabled"
        checked={form.enabled}
        onChange={(enabled) => update({ enabled }, 'enabled')}
      />
      <div className="grid-2">
        <SelectInput
          path="runOn"
          label="Run on"
          value={form.runOnKind}
          options={RUN_ON}
          error={errorOf('runOn')}
          onChange={(runOnKind) => update({ runOnKind }, 'runOn')}
        />
        {form.runOnKind === 'cluster' && (
          <TextInput
            path="runOn.queue"
            label="Cluster queue (e.g. nightly)"
            value={form.runOnQueue}
            error={errorOf('runOn.queue')}
            onChange={(runOnQueue) => update({ runOnQueue }, 'runOn.queue')}
          />
        )}
        <SelectInput
          path="overlap"
          label="When a run is due while the previous one still runs"
          value={form.overlap}
          options={OVERLAP}
          error={errorOf('overlap')}
          onChange={(overlap) => update({ overlap }, 'overlap')}
        />
        {form.overlap === 'parallel' && (
          <TextInput
            path="maxConcurrent"
            label="At most this many at once"
            type="number"
            min={1}
            value={form.maxConcurrent}
            error={errorOf('maxConcurrent')}
            onChange={(maxConcurrent) => update({ maxConcurrent }, 'maxConcurrent')}
          />
        )}
        <TextInput
          path="timeoutMs"
          label="Timeout in seconds (0: none)"
          type="number"
          min={0}
          step="any"
          value={form.timeoutSeconds}
          error={errorOf('timeoutMs')}
          onChange={(timeoutSeconds) => update({ timeoutSeconds }, 'timeoutMs')}
        />
        <TextInput
          path="maxRetries"
          label="Retries after a failure"
          type="number"
          min={0}
          value={form.maxRetries}
          error={errorOf('maxRetries')}
          onChange={(maxRetries) => update({ maxRetries }, 'maxRetries')}
        />
        <TextInput
          path="retryDelayMs"
          label="First retry after (seconds, doubling)"
          type="number"
          min={0}
          step="any"
          value={form.retryDelaySeconds}
          error={errorOf('retryDelayMs')}
          onChange={(retryDelaySeconds) => update({ retryDelaySeconds }, 'retryDelayMs')}
        />
        <TextInput
          path="priority"
          label="Priority (-100 to 100, higher first)"
          type="number"
          min={-100}
          max={100}
          value={form.priority}
          error={errorOf('priority')}
          onChange={(priority) => update({ priority }, 'priority')}
        />
        <SelectInput
          path="catchUp.policy"
          label="Runs missed while Crontray was closed"
          value={form.catchUp}
          options={CATCH_UP}
          error={errorOf('catchUp.policy')}
          onChange={(catchUp) => update({ catchUp }, 'catchUp.policy')}
        />
        {form.catchUp === 'all' && (
          <TextInput
            path="catchUp.cap"
            label="At most this many catch-up runs"
            type="number"
            min={1}
            value={form.catchUpCap}
            error={errorOf('catchUp.cap')}
            onChange={(catchUpCap) => update({ catchUpCap }, 'catchUp.cap')}
          />
        )}
        {form.catchUp !== 'none' && (
          <TextInput
            path="catchUp.deadlineMs"
            label="Skip misses older than (minutes, 0: never)"
            type="number"
            min={0}
            value={form.catchUpDeadlineMinutes}
            error={errorOf('catchUp.deadlineMs')}
            onChange={(catchUpDeadlineMinutes) =>
              update({ catchUpDeadlineMinutes }, 'catchUp.deadlineMs')
            }
          />
        )}
      </div>
      <CheckboxInput
        label="Reuse a recent result for Run now (result cache)"
        checked={form.cacheEnabled}
        onChange={(cacheEnabled) => update({ cacheEnabled }, 'resultCache')}
      />
      {form.cacheEnabled && (
        <div className="grid-2">
          <TextInput
            path="resultCache.expireMs"
            label="A result stays fresh for (seconds)"
            type="number"
            min={1}
            value={form.cacheExpireSeconds}
            error={errorOf('resultCache.expireMs')}
            onChange={(cacheExpireSeconds) =>
              update({ cacheExpireSeconds }, 'resultCache.expireMs')
            }
          />
          <TextInput
            path="resultCache.toleranceSeconds"
            label="Accept results up to this much older (seconds)"
            type="number"
            min={0}
            value={form.cacheToleranceSeconds}
            error={errorOf('resultCache.toleranceSeconds')}
            onChange={(cacheToleranceSeconds) =>
              update({ cacheToleranceSeconds }, 'resultCache.toleranceSeconds')
            }
          />
        </div>
      )}
    </fieldset>
  );
}
