import type { ActionKind, PairRow } from './editor-form.js';
import { newPair } from './editor-form.js';
import type { SectionProps } from './section-props.js';
import { SelectInput, TextInput } from './form-controls.js';
import { FieldError } from '../../components/field-error.js';

const KINDS = [
  ['shell', 'Run a command'],
  ['http', 'Send a web request'],
  ['script', 'Run a JavaScript module'],
] as const satisfies readonly (readonly [ActionKind, string])[];

export function ActionSection({
  form,
  update,
  errorOf,
  locked,
}: SectionProps & { locked: string | null }) {
  if (locked) {
    return (
      <fieldset className="card">
        <legend>Action</legend>
        <p className="warning" role="alert">
          This task is locked: {locked}. Its action is kept as it is; the rest of the task can still
          be edited.
        </p>
      </fieldset>
    );
  }
  return (
    <fieldset className="card">
      <legend>Action</legend>
      <SelectInput
        path="action.kind"
        label="Action type"
        value={form.actionKind}
        options={KINDS}
        error={errorOf('action.kind')}
        onChange={(actionKind) => update({ actionKind }, 'action')}
      />

      {form.actionKind === 'shell' && (
        <>
          <SelectInput
            path="action.mode"
            label="Mode"
            value={form.shellMode}
            options={[
              ['exec', 'Start a program with arguments (no shell)'],
              ['script', 'Run a shell script'],
            ]}
            error={errorOf('action.mode')}
            onChange={(shellMode) => update({ shellMode }, 'action.program', 'action.script')}
          />
          {form.shellMode === 'exec' ? (
            <>
              <TextInput
                path="action.program"
                label="Program"
                placeholder="/usr/bin/rsync"
                spellCheck={false}
                value={form.program}
                error={errorOf('action.program')}
                onChange={(program) => update({ program }, 'action.program')}
              />
              <TextInput
                path="action.args"
                label="Arguments (one per line)"
                multiline
                spellCheck={false}
                value={form.args}
                error={errorOf('action.args')}
                hint="Each line is passed as one argument, exactly as written: no quoting needed."
                onChange={(args) => update({ args }, 'action.args')}
              />
            </>
          ) : (
            <>
              <SelectInput
                path="action.shell"
                label="Shell"
                value={form.shell}
                options={[
                  ['sh', 'sh'],
                  ['bash', 'bash'],
                  ['powershell', 'PowerShell'],
                  ['cmd', 'cmd'],
                ]}
                error={errorOf('action.shell')}
                onChange={(shell) => update({ shell }, 'action.shell')}
              />
              <TextInput
                path="action.script"
                label="Script"
                multiline
                spellCheck={false}
                value={form.script}
                error={errorOf('action.script')}
                onChange={(script) => update({ script }, 'action.script')}
              />
            </>
          )}
          <TextInput
            path="action.cwd"
            label="Working folder (optional)"
            spellCheck={false}
            value={form.cwd}
            error={errorOf('action.cwd')}
            onChange={(cwd) => update({ cwd }, 'action.cwd')}
          />
          <PairRows
            title="Environment variables"
            noun="variable"
            path="action.env"
            rows={form.env}
            errorOf={errorOf}
            onChange={(env) => update({ env }, 'action.env')}
          />
        </>
      )}

      {form.actionKind === 'http' && (
        <>
          <div className="row">
            <SelectInput
              path="action.method"
              label="Method"
              value={form.method}
              options={(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'] as const).map(
                (m) => [m, m] as const,
              )}
              error={errorOf('action.method')}
              onChange={(method) => update({ method }, 'action.method')}
            />
            <TextInput
              path="action.url"
              label="URL"
              type="url"
              className="grow"
              placeholder="https://example.com/health"
              value={form.url}
              error={errorOf('action.url')}
              onChange={(url) => update({ url }, 'action.url')}
            />
          </div>
          <PairRows
            title="Headers"
            noun="header"
            path="action.headers"
            rows={form.headers}
            errorOf={errorOf}
            onChange={(headers) => update({ headers }, 'action.headers')}
          />
          {form.method !== 'GET' && form.method !== 'HEAD' && (
            <TextInput
              path="action.body"
              label="Body"
              multiline
              value={form.body}
              error={errorOf('action.body')}
              onChange={(body) => update({ body }, 'action.body')}
            />
          )}
          <div className="row">
            <TextInput
              path="action.expectStatus.min"
              label="Success status from"
              type="number"
              value={form.expectMin}
              error={errorOf('action.expectStatus.min')}
              onChange={(expectMin) => update({ expectMin }, 'action.expectStatus.min')}
            />
            <TextInput
              path="action.expectStatus.max"
              label="to"
              type="number"
              value={form.expectMax}
              error={errorOf('action.expectStatus.max')}
              onChange={(expectMax) => update({ expectMax }, 'action.expectStatus.max')}
            />
          </div>
        </>
      )}

      {form.actionKind === 'script' && (
        <>
          <TextInput
            path="action.file"
            label="Module file (absolute path)"
            spellCheck={false}
            value={form.file}
            error={errorOf('action.file')}
            onChange={(file) => update({ file }, 'action.file')}
          />
          <div className="row">
            <TextInput
              path="action.exportName"
              label="Export"
              value={form.exportName}
              error={errorOf('action.exportName')}
              onChange={(exportName) => update({ exportName }, 'action.exportName')}
            />
            <TextInput
              path="action.memoryMb"
              label="Memory limit (MB)"
              type="number"
              value={form.memoryMb}
              error={errorOf('action.memoryMb')}
              onChange={(memoryMb) => update({ memoryMb }, 'action.memoryMb')}
            />
          </div>
        </>
      )}
    </fieldset>
  );
}

/** Name/value rows (env, headers) with add/remove; a secret row's value is typed masked. */
function PairRows({
  title,
  noun,
  path,
  rows,
  errorOf,
  onChange,
}: {
  title: string;
  noun: string;
  path: string;
  rows: PairRow[];
  errorOf: (path: string) => string | undefined;
  onChange: (rows: PairRow[]) => void;
}) {
  const set = (key: number, patch: Partial<PairRow>) =>
    onChange(rows.map((r) => (r.key === key ? { ...r, ...patch } : r)));
  return (
    <div className="pairs" role="group" aria-label={title}>
      <p className="group-title">{title}</p>
      {rows.length === 0 && <p className="muted">None.</p>}
      {rows.map((row, i) => {
        const n = i + 1;
        const error = errorOf(`${path}.${i}.name`) ?? errorOf(`${path}.${i}.value`);
        return (
          <div className="pair-row" key={row.key}>
            <input
              aria-label={`${noun} ${n} name`}
              placeholder="NAME"
              spellCheck={false}
              value={row.name}
              onChange={(e) => set(row.key, { name: e.target.value })}
            />
            <input
              aria-label={`${noun} ${n} value`}
              placeholder="value"
              type={row.secret ? 'password' : 'text'}
              autoComplete="off"
              spellCheck={false}
              value={row.value}
              onChange={(e) => set(row.key, { value: e.target.value })}
            />
            <label className="inline">
              <input
                type="checkbox"
                checked={row.secret}
                onChange={(e) => set(row.key, { secret: e.target.checked })}
              />{' '}
              Secret
            </label>
            <button
              type="button"
              className="secondary"
              aria-label={`Remove ${noun} ${n}`}
              onClick={() => onChange(rows.filter((r) => r.key !== row.key))}
            >
              Remove
            </button>
            <FieldError id={`${path.replace(/\W+/g, '-')}-${n}-error`} message={error} />
          </div>
        );
      })}
      <button
        type="button"
        className="secondary"
        onClick={() => onChange([...rows, newPair(true)])}
      >
        Add {noun}
      </button>
    </div>
  );
}
