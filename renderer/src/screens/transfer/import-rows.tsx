import type { ImportRow, TransferPreview } from '../../../../main/api/contract.js';

const OUTCOME: Record<ImportRow['outcome'], string> = {
  task: 'New task',
  exists: 'Already there',
  env: 'Environment',
  note: 'Note',
  skipped: 'Not imported',
};

/** What the import does with each line (crontab) or task (bundle), before anything is saved. */
export function ImportRows({ preview }: { preview: TransferPreview }) {
  const { counts } = preview;
  return (
    <>
      <p data-testid="import-counts">
        {counts.tasks} new task(s), {counts.existing} already there, {counts.skipped} not imported
        {preview.secretsSealed ? '. The bundle’s secrets are sealed: give its passphrase.' : '.'}
      </p>
      <div className="table-wrap">
        <table aria-label="What the import does">
          <thead>
            <tr>
              <th scope="col">{preview.source === 'crontab' ? 'Line' : '#'}</th>
              <th scope="col">As written</th>
              <th scope="col">Becomes</th>
              <th scope="col">Details</th>
            </tr>
          </thead>
          <tbody>
            {preview.rows.map((row, i) => (
              <tr key={i} className={`import-${row.outcome}`}>
                <td>{row.line ?? i + 1}</td>
                <td>
                  <code>{row.text}</code>
                </td>
                <td>{OUTCOME[row.outcome]}</td>
                <td>{row.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
