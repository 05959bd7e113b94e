import { useRef, useState } from 'react';
import type { ReactNode } from 'react';
import type { SearchResult, SearchSnippet } from '../../../../main/api/contract.js';
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

/** Results per page: a page of snippets is as much as a person reads before narrowing the search. */
export const SEARCH_PAGE_SIZE = 50;

/**
 * Runs whose output, error or task name holds every word of `text`, with the history's filters,
 * a page at a time. While the next page loads the last one stays on screen, so the paging
 * buttons (and the keyboard focus on them) stay where they are.
 */
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
  const queryKey = JSON.stringify([text, filters]);
  // A new query starts again at its first page.
  const [page, setPage] = useState({ queryKey, offset: 0 });
  const offset = page.queryKey === queryKey ? page.offset : 0;
  const [result, reload] = useLoad(
    () => api['history:search']({ ...filters, query: text, limit: SEARCH_PAGE_SIZE, offset }),
    [api, queryKey, offset, version],
  );
  const last = useRef<{ queryKey: string; value: SearchResult } | null>(null);
  if (result.state === 'ready') last.current = { queryKey, value: result.value };
  const kept = last.current;
  const load =
    result.state === 'loading' && kept?.queryKey === queryKey
      ? { state: 'ready' as const, value: kept.value }
      : result;
  const turn = (to: number) => setPage({ queryKey, offset: to });
  return (
    <LoadView load={load} what="search results" onRetry={reload}>
      {(value) => (
        <div aria-busy={result.state === 'loading'}>
          <p className="muted" role="status" data-testid="search-count">
            {countText(value, offset)}
            {value.indexing &&
              ` · still indexing: ${value.indexing.indexed.toLocaleString()} of ${value.indexing.total.toLocaleString()} runs read so far`}
          </p>
          <div aria-label="Search results" role="list">
            {value.hits.map(({ run, snippets }) => (
              <SearchHitLink
                key={run.runId}
                run={run}
                snippets={snippets}
                selectedRunId={selectedRunId}
              />
            ))}
          </div>
          {value.total > SEARCH_PAGE_SIZE && (
            <nav className="search-pages" aria-label="Search result pages">
              <button
                type="button"
                className="secondary"
                disabled={offset === 0}
                onClick={() => turn(Math.max(0, offset - SEARCH_PAGE_SIZE))}
              >
                ◀ Previous {SEARCH_PAGE_SIZE}
              </button>
              <button
                type="button"
                className="secondary"
                disabled={offset + SEARCH_PAGE_SIZE >= value.total}
                onClick={() => turn(offset + SEARCH_PAGE_SIZE)}
              >
                Next {SEARCH_PAGE_SIZE} ▶
              </button>
            </nav>
          )}
        </div>
      )}
    </LoadView>
  );
}

/** "No run matches", "1 run matches", "Runs 51–100 of 1,234 match". */
function countText(value: SearchResult, offset: number): string {
  if (value.total === 0) return 'No run matches';
  if (value.total === 1) return '1 run matches';
  if (value.total <= value.hits.length && offset === 0) return `${value.total} runs match`;
  const first = Math.min(offset + 1, value.total);
  const lastShown = Math.min(offset + value.hits.length, value.total);
  return `Runs ${first.toLocaleString()}–${lastShown.toLocaleString()} of ${value.total.toLocaleString()} match`;
}

function SearchHitLink({
  run,
  snippets,
  selectedRunId,
}: SearchResult['hits'][number] & { selectedRunId: string | null }) {
  return (
    <a
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
  );
}
