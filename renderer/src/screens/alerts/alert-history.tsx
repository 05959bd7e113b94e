import type { AlertView, Incident } from '../../../../main/api/contract.js';
import { formatAbsolute } from '../../format/time-format.js';
import { hrefOf } from '../../routing/route.js';

const KIND_LABEL: Record<AlertView['message']['kind'], string> = {
  failure: 'Failure',
  recovery: 'Recovered',
  missed: 'Missed',
  slow: 'Slow',
  test: 'Test',
};

/** One delivery's last try, in words: "delivered (HTTP 200)", "pending, 2 tries". */
function deliveryLine(d: AlertView['deliveries'][number]): string {
  const last = d.attempts.at(-1);
  const detail = last
    ? [
        last.httpStatus !== null ? `HTTP ${last.httpStatus}` : null,
        last.smtpReply,
        last.outcome === 'delivered' ? null : last.message,
      ]
        .filter((x) => x !== null)
        .join('; ')
    : 'not tried yet';
  const tries = d.attempts.length === 1 ? '1 try' : `${d.attempts.length} tries`;
  return `${d.state} after ${tries}${detail ? ` (${detail})` : ''}`;
}

export function IncidentList({
  incidents,
  onAcknowledge,
}: {
  incidents: Incident[];
  onAcknowledge: (id: string) => void;
}) {
  if (incidents.length === 0)
    return <p className="muted">No open incidents: every task is well.</p>;
  return (
    <ul className="alert-list" aria-label="Open incidents">
      {incidents.map((i) => (
        <li key={i.id} data-testid="incident" className="alert-item">
          <strong>{i.task.name}</strong>{' '}
          <span className="status status-failed">{i.kind === 'missed' ? 'missed' : 'failing'}</span>{' '}
          <span className="muted" title={formatAbsolute(i.openedAt)}>
            since {formatAbsolute(i.openedAt)}
          </span>
          <p>{i.reason}</p>
          <button type="button" onClick={() => onAcknowledge(i.id)}>
            Acknowledge
          </button>
        </li>
      ))}
    </ul>
  );
}

export function AlertHistory({ alerts }: { alerts: AlertView[] }) {
  if (alerts.length === 0) return <p className="muted">No alerts yet.</p>;
  return (
    <ul className="alert-list" aria-label="Alert history">
      {alerts.map((a) => (
        <li key={a.id} data-testid="alert" data-kind={a.message.kind} className="alert-item">
          <span
            className={`status status-${a.message.kind === 'recovery' ? 'succeeded' : 'failed'}`}
          >
            {KIND_LABEL[a.message.kind]}
          </span>{' '}
          <strong>{a.message.title}</strong>{' '}
          <span className="muted">{formatAbsolute(a.createdAt)}</span>
          <p>{a.message.text}</p>
          {a.message.task && a.message.run && (
            <a
              href={hrefOf({
                screen: 'history',
                run: {
                  project: a.message.task.project,
                  group: a.message.task.group,
                  name: a.message.task.name,
                  runId: a.message.run.runId,
                },
              })}
            >
              Open the run
            </a>
          )}
          <ul aria-label="Deliveries">
            {a.deliveries.length === 0 && (
              <li className="muted">No channel was set for this task.</li>
            )}
            {a.deliveries.map((d) => (
              <li key={d.channelId} data-testid="delivery" data-state={d.state}>
                {d.channelName}: {deliveryLine(d)}
              </li>
            ))}
          </ul>
        </li>
      ))}
    </ul>
  );
}
