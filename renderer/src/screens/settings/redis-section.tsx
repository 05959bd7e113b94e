import { useState } from 'react';
import type { ClusterView } from '../../../../main/api/contract.js';
import { useApi } from '../../api/api-context.js';
import { LoadView } from '../../components/load-view.js';
import { fieldIssues, messageOf } from '../../format/error-message.js';
import { useEvents } from '../../hooks/use-events.js';
import { useLoad } from '../../hooks/use-load.js';
import { ClusterPanel } from '../cluster/cluster-panel.js';
import { TextInput } from '../editor/form-controls.js';

/**
 * The Redis URL that puts Crontray in cluster mode, and the cluster's status under it. Saving
 * connects (or forgetting disconnects) at once; the saved URL is shown with its password hidden
 * and the field starts empty, so the password never travels back to the window.
 */
export function RedisSection() {
  const api = useApi();
  const [view, reload] = useLoad(() => api['cluster:get'](), [api]);
  // The service says 'scheduler:state' whenever the cluster's snapshot changes.
  useEvents(['scheduler:state'], reload);
  return (
    <>
      <section className="card" aria-labelledby="redis-heading">
        <h3 id="redis-heading">Cluster (Redis)</h3>
        <LoadView load={view} what="the cluster settings" onRetry={reload}>
          {(v) => <RedisForm view={v} onSaved={reload} />}
        </LoadView>
      </section>
      <LoadView load={view} what="the cluster status" onRetry={reload}>
        {(v) => <ClusterPanel view={v} />}
      </LoadView>
    </>
  );
}

function RedisForm({ view, onSaved }: { view: ClusterView; onSaved: () => void }) {
  const api = useApi();
  const [url, setUrl] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [issue, setIssue] = useState<string | undefined>(undefined);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const save = async (redisUrl: string | null) => {
    setBusy(true);
    setError(null);
    setIssue(undefined);
    setNotice(null);
    try {
      const next = await api['cluster:set-redis']({ redisUrl });
      setUrl('');
      setNotice(
        redisUrl === null
          ? 'Redis URL forgotten.'
          : next.source === 'command-line'
            ? 'Redis URL saved; it is used when Crontray starts without --redis.'
            : 'Redis URL saved; the cluster status below follows the connection.',
      );
      onSaved();
    } catch (e) {
      const field = fieldIssues(e).get('redisUrl');
      setIssue(field);
      if (field === undefined) setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      {view.source === 'command-line' && (
        <p className="warning" data-testid="redis-override">
          The Redis URL given on the command line (--redis or CRONTRAY_REDIS_URL
          {view.status ? `: ${view.status.url}` : ''}) is in use and wins over this field until
          Crontray starts without it.
        </p>
      )}
      <p className="info" data-testid="redis-saved">
        {view.savedUrl === null
          ? 'No Redis URL is saved: tasks set to run on a cluster queue wait.'
          : `Saved: ${view.savedUrl} (kept encrypted with the vault's key).`}
      </p>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void save(url);
        }}
      >
        <TextInput
          path="redisUrl"
          label="Redis URL"
          value={url}
          placeholder="redis://:password@host:6379 or rediss://host:6380"
          spellCheck={false}
          error={issue}
          hint="The password is stored encrypted and never shown again. Redis must run with maxmemory-policy noeviction."
          onChange={setUrl}
        />
        <div className="row">
          <button type="submit" disabled={busy || url.trim() === ''}>
            Save and connect
          </button>
          {view.savedUrl !== null && (
            <button type="button" disabled={busy} onClick={() => void save(null)}>
              Forget and disconnect
            </button>
          )}
        </div>
      </form>
      {error && (
        <p role="alert" className="error">
          Could not save the Redis URL: {error}
        </p>
      )}
      {notice && (
        <p role="status" className="info">
          {notice}
        </p>
      )}
    </>
  );
}
