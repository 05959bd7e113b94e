import type { TaskView } from '../../../../main/api/contract.js';
import type { ChainWhen } from '../../../../main/core/model/triggers.js';
import { useApi } from '../../api/api-context.js';
import { FieldError } from '../../components/field-error.js';
import { useLoad } from '../../hooks/use-load.js';
import { SelectInput } from './form-controls.js';
import type { SectionProps } from './section-props.js';
import type { ChainRow } from './triggers-form.js';
import { newChainRow } from './triggers-form.js';

const WHEN_WORDS = [
  ['success', 'succeeds'],
  ['failure', 'fails (or times out)'],
  ['finish', 'finishes, either way'],
] as const satisfies readonly (readonly [ChainWhen, string])[];

/** A task the picker offers: its id and the words it is shown with. */
type Choice = readonly [string, string];

/**
 * The tasks a row may pick, by name: never the task being edited, never one another row already
 * picked (the service refuses a task listed twice). Names that occur twice get their project and
 * group, so two 'backup' tasks can be told apart. A stored id no task has any more stays, named
 * as such, so opening the editor does not quietly change what the task runs after.
 */
function choicesFor(
  row: ChainRow,
  rows: readonly ChainRow[],
  tasks: readonly TaskView[] | null,
  selfId: string | null,
): Choice[] {
  const taken = new Set(rows.filter((r) => r !== row).map((r) => r.taskId));
  const all = tasks ?? [];
  const count = new Map<string, number>();
  for (const t of all) count.set(t.name, (count.get(t.name) ?? 0) + 1);
  const offered = all
    .filter((t) => t.id !== selfId && !taken.has(t.id))
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((t): Choice => [
      t.id,
      (count.get(t.name) ?? 0) > 1 ? `${t.name} (${t.project} / ${t.group})` : t.name,
    ]);
  const known = row.taskId === '' || all.some((t) => t.id === row.taskId);
  const missing: Choice[] = known
    ? []
    : [[row.taskId, tasks ? `A deleted or unknown task (id ${row.taskId})` : `Task ${row.taskId}`]];
  return [['', 'Choose a task…'], ...missing, ...offered];
}

/**
 * "After another task" (issue 14): one row per task this one runs after, each a task picked by
 * name and whether it runs when that task succeeds, fails or finishes. Native selects and
 * buttons only, so Tab reaches each in order and Enter or Space work as everywhere else.
 */
export function ChainEntries({
  rows,
  selfId,
  change,
  errorOf,
}: {
  rows: ChainRow[];
  /** The task being edited (null for a new one): it is not offered. */
  selfId: string | null;
  /** Sets the rows; `field` is the contract path the change touches (its old error clears). */
  change: (rows: ChainRow[], field: string) => void;
  errorOf: SectionProps['errorOf'];
}) {
  const api = useApi();
  const [load, reload] = useLoad(() => api['tasks:list'](), [api]);
  const tasks = load.state === 'ready' ? load.value : null;
  const patch = (i: number, p: Partial<ChainRow>, field: string) =>
    change(
      rows.map((r, j) => (j === i ? { ...r, ...p } : r)),
      `after.${i}.${field}`,
    );
  return (
    <>
      <h3>After another task</h3>
      {load.state === 'error' && rows.length > 0 && (
        <p className="warning" role="status">
          The list of tasks could not be loaded ({load.message}); the tasks below are shown by id.{' '}
          <button type="button" onClick={reload}>
            Try again
          </button>
        </p>
      )}
      {rows.map((row, i) => {
        const path = `triggers.after.${i}`;
        const unknown =
          tasks !== null && row.taskId !== '' && !tasks.some((t) => t.id === row.taskId)
            ? `there is no task with id '${row.taskId}' (it may have been deleted): choose another task or remove this entry`
            : undefined;
        return (
          <div
            className="grid-3"
            role="group"
            aria-label={`Run after, entry ${i + 1}`}
            key={row.key}
          >
            <SelectInput
              path={`${path}.taskId`}
              label={`Run after task (entry ${i + 1})`}
              value={row.taskId}
              options={choicesFor(row, rows, tasks, selfId)}
              error={errorOf(`${path}.taskId`) ?? errorOf(path) ?? unknown}
              onChange={(taskId) => patch(i, { taskId }, 'taskId')}
            />
            <SelectInput
              path={`${path}.when`}
              label={`When that task (entry ${i + 1})`}
              value={row.when}
              options={WHEN_WORDS}
              error={errorOf(`${path}.when`)}
              onChange={(when) => patch(i, { when }, 'when')}
            />
            <button
              type="button"
              onClick={() =>
                change(
                  rows.filter((_, j) => j !== i),
                  'after',
                )
              }
            >
              Remove entry {i + 1}
            </button>
          </div>
        );
      })}
      <FieldError id="f-triggers-after-error" message={errorOf('triggers.after')} />
      <button
        type="button"
        // A path no field has: the new row's "choose a task" waits until it is touched or Save.
        onClick={() => change([...rows, newChainRow()], `after.${rows.length}.added`)}
      >
        Add a task to run after
      </button>
    </>
  );
}
