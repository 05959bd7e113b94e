import type { ReactNode } from 'react';
import type { SearchSnippet } from '../../../../main/api/contract.js';
import { useApi } from '../../api/api-context.js';
import { LoadView } from '../../components/load-view.js';
import { StatusBadge } from '../../components/status-badge.js';
import { formatAbsolute } from '../../format/time-format.js';
import { useLoad } from '../../hooks/use-load.js';
import { hrefOf } from '../../routing/route.js';
import type { RunQuery } from './use-run-pages.js';

/** The excerpt with the matched words in <mark>. */
function Marked({ snippet }: { snippet: SearchSnippet }) {
  const parts: ReactNode[] = [];
  let at = 0;
  for (const [start, end] of snippet.matches) {
    parts.push(
      snippet.text.slice(at, start),
      <mark key={start}>{snippet.text.slice(start, end)}</mark>,
    );
    at = end;
  }
  parts.push(snippet.text.slice(at));
  return <pre>{parts}</pre>;
}

const FIELD: Record<SearchSnippet['field'], string> = {
  output: 'Output',
  error: 'Error',
  name: 'Task',
};

/** Runs whose output, error or task name holds every word of `text`, with the history's filters. */
export function SearchResults({
  text,
  filter,
  selectedRunId,
  version,
}: {
  text: string;
  filter: RunQuery;
  selectedRunId: string | null;
  version: number;
}) {
  const api = useApi();
  const { sessionId: _session, ...filters } = filter;
  const [result, reload] = useLoad(
    () => api['history:search']({ ...filters, query: text, limit: 100 }),
    [api, text, JSON.stringify(filters), version],
  );
  return (
    <LoadView load={result} what="search results" onRetry={reload}>
      {(value) => (
        <div aria-label="Search results" role="list">
          <p className="muted" role="status">
            {value.total === 0
              ? 'No run matches'
              : `${value.total} run${value.total === 1 ? '' : 's'} match`}
            {value.total > value.hits.length ? ` (the newest ${value.hits.length} are shown)` : ''}
            {value.indexing &&
              ` · still indexing: ${value.indexing.indexed.toLocaleString()} of ${value.indexing.total.toLocaleString()} runs read so far`}
          </p>
          {value.hits.map(({ run, snippets }) => (
            <a
              key={run.runId}
              role="listitem"
              className={`search-hit${run.runId === selectedRunId ? ' selected' : ''}`}
              href={hrefOf({
                screen: 'history',
                run: { project: run.project, group: run.group, name: run.name, runId: run.runId },
              })}
            >
              <StatusBadge status={run.status} /> <strong>{run.name}</strong>{' '}
              <span className="muted">
                {run.project}/{run.group} · {formatAbsolute(run.startedAt ?? run.scheduledFor ?? 0)}
              </span>
              {snippets.map((s) => (
                <div key={s.field}>
                  <span className="muted">{FIELD[s.field]}:</span>
                  <Marked snippet={s} />
                </div>
              ))}
            </a>
          ))}
        </div>
      )}
    </LoadView>
  );
}
