import type { Progress } from './use-transfer-progress.js';

/** "Importing 120 of 400 tasks" with a bar; nothing before the first report. */
export function ProgressBar({ label, progress }: { label: string; progress: Progress | null }) {
  if (!progress || progress.total === 0) return null;
  return (
    <div className="transfer-progress" data-testid="transfer-progress">
      <progress value={progress.done} max={progress.total} aria-label={label} />
      <span>
        {label} {progress.done} of {progress.total}
      </span>
    </div>
  );
}
