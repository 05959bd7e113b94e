import { ExportCard } from './export-card.js';
import { ImportCard } from './import-card.js';

/** Bring a crontab or another Crontray's tasks in, and take tasks out as a crontab or bundle. */
export function TransferScreen() {
  return (
    <section aria-labelledby="transfer-heading" className="screen">
      <div className="screen-header">
        <h2 id="transfer-heading">Import and export</h2>
      </div>
      <ImportCard />
      <ExportCard />
    </section>
  );
}
