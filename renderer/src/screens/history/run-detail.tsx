import type { BoundedOutput, RunRecord, SkipReason } from '../../../../main/core/model/run.js';
import { useApi } from '../../api/api-context.js';
import { LoadView } from '../../components/load-view.js';
import { StatusBadge } from '../../components/status-badge.js';
import { formatAbsolute, formatDuration } from '../../format/time-format.js';
import { useLoad } from '../../hooks/use-load.js';
import type { RunRef } from '../../routing/route.js';
import { hrefOf } from '../../routing/route.js';

/** Why a skipped run did not run, as a sentence; the record's error has the details. */
const SKIP_REASONS: Record<SkipReason, string> = {
  overlap: "The task's previous run was still going, and its overlap policy skips a new one.",
  conditions: "The task's conditions (power, network or idle) did not hold.",
  'quiet-window': "It was due inside one of the task's quiet windows.",
  'do-not-run-until': 'Crontray was told not to run until a later time ("Do not run until …").',
};

/** One run in full: times, outcome, and its captured output. */
export function RunDetail({ run, version }: { run: RunRef; version: number }) {
  const api = useApi();
  const [record, reload] = useLoad(
    () => api['history:run'](run),
    [api, run.project, run.group, run.name, run.runId, version],
  );
  return (
    <section
      className="card run-detail"
      aria-labelledby="run-detail-heading"
      data-testid="run-detail"
    >
      <div className="screen-header">
        <h3 id="run-detail-heading">Run of {run.name}</h3>
        <a href={hrefOf({ screen: 'history', run: null })} aria-label="Close run details">
          Close
        </a>
      </div>
      <LoadView load={record} what="the run" onRetry={reload}>
        {(r) => (
          <>
            <dl className="facts">
              <dt>Status</dt>
              <dd>
                <StatusBadge status={r.status} />
              </dd>
              <dt>Task</dt>
              <dd>
                {r.project} / {r.group} / {r.name}
              </dd>
              <dt>Trigger</dt>
              <dd>{r.trigger}</dd>
              <dt>Ran on</dt>
              <dd data-testid="run-worker">
                {r.worker === undefined ? 'this computer' : `cluster worker ${r.worker}`}
              </dd>
              {r.skipReason !== undefined && (
                <>
                  <dt>Why skipped</dt>
                  <dd data-testid="run-skip-reason">{SKIP_REASONS[r.skipReason]}</dd>
                </>
              )}
              <dt>Attempt</dt>
              <dd>{r.attempt}</dd>
              <dt>Exit code</dt>
              <dd data-testid="run-exit-code">{r.exitCode ?? '—'}</dd>
              {r.httpStatus !== null && (
                <>
                  <dt>HTTP status</dt>
                  <dd>{r.httpStatus}</dd>
                </>
              )}
              <dt>From result cache</dt>
              <dd>{r.fromCache ? 'yes' : 'no'}</dd>
              <dt>Scheduled for</dt>
              <dd>{r.scheduledFor !== null ? formatAbsolute(r.scheduledFor) : '—'}</dd>
              <dt>Started</dt>
              <dd>{r.startedAt !== null ? formatAbsolute(r.startedAt) : '—'}</dd>
              <dt>Ended</dt>
              <dd>{r.endedAt !== null ? formatAbsolute(r.endedAt) : '—'}</dd>
              <dt>Duration</dt>
              <dd>
                {formatDuration(
                  r.startedAt !== null && r.endedAt !== null ? r.endedAt - r.startedAt : null,
                )}
              </dd>
            </dl>
            <RunChain parent={r.parent} chained={r.chained} />
            {r.error && (
              <p className="error" data-testid="run-error">
                {r.error}
              </p>
            )}
            <Output title="Standard output" testId="run-stdout" output={r.stdout} />
            <Output title="Standard error" testId="run-stderr" output={r.stderr} />
          </>
        )}
      </LoadView>
    </section>
  );
}

type ChainRef = NonNullable<RunRecord['parent']>;

/** A run's place in a chain: the run it started after, and the runs its end started. */
function RunChain({ parent, chained }: { parent?: ChainRef; chained?: ChainRef[] }) {
  const link = (ref: ChainRef) => {
    const { project, group, name, runId } = ref;
    return (
      <a href={hrefOf({ screen: 'history', run: { project, group, name, runId } })}>
        &apos;{name}&apos; (run {runId.slice(0, 8)})
      </a>
    );
  };
  return (
    <>
      {parent && <p data-testid="run-parent">Started after {link(parent)}.</p>}
      {chained && chained.length > 0 && (
        <div data-testid="run-chained">
          <h4>Runs started after this one</h4>
          <ul>
            {chained.map((c) => (
              <li key={c.runId}>{link(c)}</li>
            ))}
          </ul>
        </div>
      )}
    </>
  );
}

function Output({
  title,
  testId,
  output,
}: {
  title: string;
  testId: string;
  output: BoundedOutput | null;
}) {
  const empty = !output || (output.head === '' && output.tail === '');
  return (
    <div className="output">
      <h4>{title}</h4>
      {empty ? (
        <p className="muted">(nothing)</p>
      ) : (
        <pre tabIndex={0} aria-label={title} data-testid={testId}>
          {output.head}
          {output.truncated && `\n… the middle of ${output.totalBytes} bytes was not kept …\n`}
          {output.tail}
        </pre>
      )}
    </div>
  );
}
