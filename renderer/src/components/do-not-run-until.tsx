import { useState } from 'react';
import type { SchedulerStatus } from '../../../main/api/contract.js';
import { untilWords } from '../../../main/api/until-words.js';
import { useApi } from '../api/api-context.js';
import { messageOf } from '../format/error-message.js';

/**
 * The global "Do not run until …" beside Start/Stop: a date-time field while it is off; while it
 * holds, the time and "Run now again". Runs due before the time are recorded 'skipped'; Run now
 * still runs a task.
 */
export function DoNotRunUntil({
  status,
  onStatus,
}: {
  status: SchedulerStatus;
  onStatus: (s: SchedulerStatus) => void;
}) {
  const api = useApi();
  const [value, setValue] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const now = Date.now();
  const until = status.doNotRunUntil?.until ?? null;

  const send = async (at: number | null) => {
    setBusy(true);
    setError(null);
    try {
      onStatus(await api['scheduler:until']({ until: at }));
      setValue('');
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };

  if (until !== null && until > now) {
    return (
      <span className="do-not-run-until">
        <span role="status" data-testid="do-not-run-until">
          Not running until {untilWords(until, now, 'short')} (Run now still runs a task)
        </span>
        <button type="button" onClick={() => void send(null)} disabled={busy}>
          Run now again
        </button>
        {error && (
          <span role="alert" className="error">
            {error}
          </span>
        )}
      </span>
    );
  }
  const at = value === '' ? Number.NaN : new Date(value).getTime();
  return (
    <form
      className="do-not-run-until"
      onSubmit={(e) => {
        e.preventDefault();
        if (Number.isNaN(at)) setError('until: choose a date and time');
        else void send(at);
      }}
    >
      <label>
        Do not run until{' '}
        <input
          type="datetime-local"
          value={value}
          onChange={(e) => setValue(e.target.value)}
          aria-invalid={error !== null}
        />
      </label>
      <button type="submit" disabled={busy}>
        Set
      </button>
      {error && (
        <span role="alert" className="error">
          {error}
        </span>
      )}
    </form>
  );
}
