import { useState } from 'react';
import type { TaskView, TransferExport } from '../../../../main/api/contract.js';
import { useApi } from '../../api/api-context.js';
import { LoadView } from '../../components/load-view.js';
import { fieldIssues, messageOf } from '../../format/error-message.js';
import { useLoad } from '../../hooks/use-load.js';
import { SelectInput, TextInput } from '../editor/form-controls.js';
import { ProgressBar } from './progress-bar.js';
import { saveTextFile } from './save-text-file.js';
import { newOperationId, useTransferProgress } from './use-transfer-progress.js';

type Format = 'crontab' | 'bundle';
const FORMATS: readonly (readonly [Format, string])[] = [
  ['bundle', 'Crontray bundle (JSON, with actions)'],
  ['crontab', 'Crontab (for cron)'],
];

/**
 * Export all or chosen tasks to a crontab or a bundle, saved as a file. Its fields' paths are
 * prefixed so their ids differ from the import's on the same screen; the service's field names
 * (format, passphrase) still pick their errors.
 */
export function ExportCard() {
  const api = useApi();
  const [tasks, reload] = useLoad(() => api['tasks:list'](), [api]);
  const [format, setFormat] = useState<Format>('bundle');
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [passphrase, setPassphrase] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<TransferExport | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [issues, setIssues] = useState<Map<string, string>>(new Map());
  const [operationId, setOperationId] = useState<string | null>(null);
  const progress = useTransferProgress(operationId);

  const run = async () => {
    setBusy(true);
    setError(null);
    setIssues(new Map());
    setResult(null);
    const id = newOperationId();
    setOperationId(id);
    try {
      const exported = await api['transfer:export']({
        format,
        ...(chosen.size > 0 ? { taskIds: [...chosen] } : {}),
        ...(format === 'bundle' && passphrase !== '' ? { passphrase } : {}),
        operationId: id,
      });
      setResult(exported);
      if (exported.exported > 0)
        saveTextFile(
          exported.fileName,
          exported.text,
          format === 'bundle' ? 'application/json' : 'text/plain',
        );
    } catch (e) {
      const found = fieldIssues(e);
      setIssues(found);
      if (found.size === 0) setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };

  const toggle = (id: string) =>
    setChosen((before) => {
      const next = new Set(before);
      if (!next.delete(id)) next.add(id);
      return next;
    });

  return (
    <section className="card" aria-labelledby="export-heading">
      <h3 id="export-heading">Export</h3>
      <div className="row">
        <SelectInput
          path="export.format"
          label="Export as"
          value={format}
          onChange={setFormat}
          options={FORMATS}
          error={issues.get('format')}
        />
        {format === 'bundle' && (
          <TextInput
            path="export.passphrase"
            label="Passphrase for secrets"
            type="password"
            value={passphrase}
            onChange={setPassphrase}
            error={issues.get('passphrase')}
            hint="At least 8 characters. Without one, secret values are left out of the bundle."
          />
        )}
      </div>
      <LoadView load={tasks} what="the tasks" onRetry={reload}>
        {(list) => (
          <TaskChoice
            tasks={list}
            chosen={chosen}
            onToggle={toggle}
            error={issues.get('taskIds')}
          />
        )}
      </LoadView>
      <div className="row">
        <button type="button" onClick={() => void run()} disabled={busy}>
          {busy
            ? 'Exporting…'
            : chosen.size > 0
              ? `Export ${chosen.size} task(s)`
              : 'Export all tasks'}
        </button>
      </div>
      {busy && <ProgressBar label="Exported" progress={progress} />}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {result && <ExportResult result={result} />}
    </section>
  );
}

function TaskChoice(props: {
  tasks: TaskView[];
  chosen: Set<string>;
  onToggle: (id: string) => void;
  error: string | undefined;
}) {
  if (props.tasks.length === 0) return <p className="muted">There are no tasks to export yet.</p>;
  return (
    <fieldset className="task-choice">
      <legend>Tasks (none ticked: all of them)</legend>
      {props.tasks.map((task) => (
        <label key={task.id} className="checkbox">
          <input
            type="checkbox"
            checked={props.chosen.has(task.id)}
            onChange={() => props.onToggle(task.id)}
          />
          {task.project}/{task.name}
        </label>
      ))}
      {props.error && <p className="field-error">{props.error}</p>}
    </fieldset>
  );
}

function ExportResult({ result }: { result: TransferExport }) {
  return (
    <div role="status" data-testid="export-result">
      <p className="info">
        {result.exported > 0
          ? `Exported ${result.exported} task(s) to ${result.fileName}.`
          : 'Nothing was exported.'}
        {result.secretsSealed > 0
          ? ` ${result.secretsSealed} secret(s) sealed with the passphrase.`
          : ''}
      </p>
      {result.notExported.length > 0 && (
        <>
          <p className="warning">Not exported (this format cannot express them):</p>
          <ul>
            {result.notExported.map((n) => (
              <li key={n.taskId}>
                {n.name}: {n.reason}
              </li>
            ))}
          </ul>
        </>
      )}
      {result.warnings.length > 0 && (
        <ul className="muted">
          {result.warnings.map((w, i) => (
            <li key={i}>
              {w.name}: {w.message}
            </li>
          ))}
        </ul>
      )}
      {result.secretsLeftOut.length > 0 && (
        <p className="warning">
          Left out without a passphrase:{' '}
          {result.secretsLeftOut.map((s) => `${s.task} (${s.field})`).join(', ')}.
        </p>
      )}
    </div>
  );
}
