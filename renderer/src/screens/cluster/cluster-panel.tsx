import type { ClusterStatus, ClusterView } from '../../../../main/api/contract.js';
import { formatRelative } from '../../format/time-format.js';
import { useNow } from '../../hooks/use-now.js';

/**
 * The cluster as the controller last saw it: connected or not (and why), each worker with its
 * last heartbeat, each queue's depth, and the warnings (an evicting Redis, an unreachable one,
 * a queue no worker serves, a worker with the wrong cluster key) in sentences.
 */
export function ClusterPanel({ view }: { view: ClusterView }) {
  const status = view.status;
  return (
    <section className="card" aria-labelledby="cluster-heading" data-testid="cluster-panel">
      <h3 id="cluster-heading">Cluster status</h3>
      {status === null ? (
        <p className="info" data-testid="cluster-state">
          Not in use: no Redis URL is set, so every task runs on this computer and tasks set to run
          on a cluster queue wait.
        </p>
      ) : (
        <StatusView status={status} />
      )}
    </section>
  );
}

function StatusView({ status }: { status: ClusterStatus }) {
  return (
    <>
      <p
        data-testid="cluster-state"
        role="status"
        className={status.connected ? 'info' : 'warning'}
      >
        {stateLine(status)}
      </p>
      {status.warnings.length > 0 && (
        <ul className="warning" aria-label="Cluster warnings" data-testid="cluster-warnings">
          {status.warnings.map((w) => (
            <li key={w}>{w}</li>
          ))}
        </ul>
      )}
      {status.connected && <WorkersTable status={status} />}
      {status.connected && <QueuesTable status={status} />}
    </>
  );
}

/** Connected or not, and why; an unfit Redis's fix is in the warnings, so it is not said twice. */
function stateLine(status: ClusterStatus): string {
  const why = status.error?.replace(/^Cluster: /, '') ?? null;
  if (status.trouble === 'unfit') {
    return status.connected
      ? `Connected to ${status.url}, but Redis's memory settings must change (see below).`
      : `Not connected to ${status.url}: Redis answers, but its memory settings must change first (see below).`;
  }
  if (status.connected) return `Connected to ${status.url}.`;
  if (why === 'connecting') return `Not connected to ${status.url}: connecting…`;
  return `Not connected to ${status.url}${why !== null ? `: ${why}` : '.'}`;
}

function workerState(w: ClusterStatus['workers'][number]): string {
  if (w.refused !== null) return 'refused';
  return w.alive ? 'serving' : 'silent';
}

function WorkersTable({ status }: { status: ClusterStatus }) {
  const now = useNow(status.workers.map((w) => w.heartbeatAt));
  if (status.workers.length === 0) {
    return (
      <p className="info" data-testid="cluster-no-workers">
        No worker has said it is alive yet. Start one with: crontray worker --redis URL --queue NAME
      </p>
    );
  }
  return (
    <div className="table-wrap">
      <table className="compact" aria-label="Workers">
        <thead>
          <tr>
            <th scope="col">Worker</th>
            <th scope="col">Queue</th>
            <th scope="col">State</th>
            <th scope="col">Runs now</th>
            <th scope="col">Last heartbeat</th>
          </tr>
        </thead>
        <tbody>
          {status.workers.map((w) => (
            <tr key={w.name}>
              <th scope="row">{w.name}</th>
              <td>{w.queue}</td>
              <td>{workerState(w)}</td>
              <td>
                {w.running} of {w.concurrency}
              </td>
              <td title={new Date(w.heartbeatAt).toISOString()}>
                {formatRelative(w.heartbeatAt, Math.max(now, w.heartbeatAt))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function QueuesTable({ status }: { status: ClusterStatus }) {
  if (status.queues.length === 0) {
    return (
      <p className="info" data-testid="cluster-no-queues">
        No task runs on a cluster queue yet: choose one in a task&apos;s &quot;Run on&quot; field.
      </p>
    );
  }
  return (
    <div className="table-wrap">
      <table className="compact" aria-label="Queues">
        <thead>
          <tr>
            <th scope="col">Queue</th>
            <th scope="col">Tasks</th>
            <th scope="col">Workers</th>
            <th scope="col">Waiting</th>
            <th scope="col">Running</th>
            <th scope="col">Scheduled</th>
            <th scope="col">Failed</th>
          </tr>
        </thead>
        <tbody>
          {status.queues.map((q) => (
            <tr key={q.name}>
              <th scope="row">{q.name}</th>
              <td>{q.tasks}</td>
              <td>{q.workers}</td>
              <td>{q.waiting}</td>
              <td>{q.active}</td>
              <td>{q.delayed}</td>
              <td>{q.failed}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
