import { useState } from 'react';
import type { UpdateStatus } from '../../../../main/api/contract.js';
import { useApi } from '../../api/api-context.js';
import { LoadView } from '../../components/load-view.js';
import { messageOf } from '../../format/error-message.js';
import { useEvents } from '../../hooks/use-events.js';
import { useLoad } from '../../hooks/use-load.js';

/** The updater's status in a sentence, and "Check for updates" while a check can run. */
export function UpdatesSection() {
  const api = useApi();
  const [status, reload] = useLoad(() => api['updates:status'](), [api]);
  const [checked, setChecked] = useState<UpdateStatus | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEvents(['updates:state'], () => {
    setChecked(null);
    reload();
  });

  const check = async () => {
    setBusy(true);
    setError(null);
    try {
      setChecked(await api['updates:check']());
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby="updates-heading">
      <h3 id="updates-heading">Updates</h3>
      <LoadView load={status} what="the update status" onRetry={reload}>
        {(loaded) => {
          const s = checked ?? loaded;
          return (
            <>
              <p
                data-testid="update-message"
                role={s.state === 'failed' ? 'alert' : 'status'}
                className={s.state === 'failed' ? 'warning' : 'info'}
              >
                {s.message}
              </p>
              {s.state !== 'off' && (
                <div className="row">
                  <button type="button" disabled={!s.canCheck || busy} onClick={() => void check()}>
                    {busy ? 'Checking…' : 'Check for updates'}
                  </button>
                </div>
              )}
            </>
          );
        }}
      </LoadView>
      {error && (
        <p role="alert" className="error">
          Could not check for updates: {error}
        </p>
      )}
    </section>
  );
}
