import { useState } from 'react';
import type { ChangeEvent } from 'react';
import type { TransferImportResult, TransferPreview } from '../../../../main/api/contract.js';
import { useApi } from '../../api/api-context.js';
import { fieldIssues, messageOf } from '../../format/error-message.js';
import { hrefOf } from '../../routing/route.js';
import { SelectInput, TextInput } from '../editor/form-controls.js';
import { ImportRows } from './import-rows.js';
import { ProgressBar } from './progress-bar.js';
import { newOperationId, useTransferProgress } from './use-transfer-progress.js';

type Format = 'auto' | 'crontab' | 'bundle';
const FORMATS: readonly (readonly [Format, string])[] = [
  ['auto', 'Find out from the text'],
  ['crontab', 'Crontab (crontab -l)'],
  ['bundle', 'Crontray bundle (JSON)'],
];

/** Paste or open a crontab or bundle, see what each line becomes, then import it all or nothing. */
export function ImportCard() {
  const api = useApi();
  const [text, setText] = useState('');
  const [format, setFormat] = useState<Format>('auto');
  const [project, setProject] = useState('crontab');
  const [passphrase, setPassphrase] = useState('');
  const [preview, setPreview] = useState<TransferPreview | null>(null);
  const [result, setResult] = useState<TransferImportResult | null>(null);
  const [busy, setBusy] = useState<'preview' | 'import' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [issues, setIssues] = useState<Map<string, string>>(new Map());
  const [operationId, setOperationId] = useState<string | null>(null);
  const progress = useTransferProgress(operationId);

  const source = () => ({
    text,
    format,
    ...(project.trim() !== '' ? { project: project.trim() } : {}),
    ...(passphrase !== '' ? { passphrase } : {}),
  });
  // Any change to the input makes the preview stale: import only what was last previewed.
  const edit =
    <T,>(set: (value: T) => void) =>
    (value: T) => {
      set(value);
      setPreview(null);
      setResult(null);
    };

  const run = async (what: 'preview' | 'import') => {
    setBusy(what);
    setError(null);
    setIssues(new Map());
    try {
      if (what === 'preview') {
        setResult(null);
        setPreview(await api['transfer:preview'](source()));
      } else {
        const id = newOperationId();
        setOperationId(id);
        const imported = await api['transfer:import']({ ...source(), operationId: id });
        setResult(imported);
        setPreview(imported);
      }
    } catch (e) {
      const found = fieldIssues(e);
      setIssues(found);
      if (found.size === 0) setError(messageOf(e));
    } finally {
      setBusy(null);
    }
  };

  const onFile = (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    if (!file) return;
    file.text().then(edit(setText), (e: unknown) => setError(`${file.name}: ${messageOf(e)}`));
  };

  return (
    <section className="card" aria-labelledby="import-heading">
      <h3 id="import-heading">Import</h3>
      <p className="muted">
        A crontab (the output of <code>crontab -l</code>) or a bundle exported from Crontray.
        Nothing is saved until you import; importing the same text twice changes nothing.
      </p>
      <div className="field">
        <label htmlFor="import-file">Open a file</label>
        <input
          id="import-file"
          type="file"
          accept=".txt,.crontab,.json,text/plain"
          onChange={onFile}
        />
      </div>
      <TextInput
        path="text"
        label="Crontab or bundle"
        multiline
        spellCheck={false}
        value={text}
        onChange={edit(setText)}
        error={issues.get('text')}
        placeholder="# m h dom mon dow command"
      />
      <div className="row">
        <SelectInput
          path="format"
          label="Format"
          value={format}
          onChange={edit(setFormat)}
          options={FORMATS}
          error={issues.get('format')}
        />
        <TextInput
          path="project"
          label="Project for crontab lines"
          value={project}
          onChange={edit(setProject)}
          error={issues.get('project')}
        />
        <TextInput
          path="passphrase"
          label="Bundle passphrase"
          type="password"
          value={passphrase}
          onChange={edit(setPassphrase)}
          error={issues.get('passphrase')}
          hint="Only for a bundle whose secrets were sealed with one."
        />
      </div>
      <div className="row">
        <button
          type="button"
          onClick={() => void run('preview')}
          disabled={busy !== null || text.trim() === ''}
        >
          {busy === 'preview' ? 'Reading…' : 'Preview'}
        </button>
        <button
          type="button"

          onClick={() => void run('import')}
          disabled={busy !== null || !preview || result !== null || preview.counts.tasks === 0}
        >
          {busy === 'import' ? 'Importing…' : `Import ${preview?.counts.tasks ?? 0} task(s)`}
        </button>
      </div>
      {busy === 'import' && <ProgressBar label="Imported" progress={progress} />}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {result && (
        <p role="status" className="info" data-testid="import-result">
          Imported {result.created.length} task(s)
          {result.counts.existing > 0 ? `; ${result.counts.existing} were already there` : ''}.{' '}
          <a href={hrefOf({ screen: 'tasks' })}>Show the tasks</a>
        </p>
      )}
      {preview && <ImportRows preview={preview} />}
    </section>
  );
}
