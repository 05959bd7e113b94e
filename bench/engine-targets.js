/**
 * Issue 12's targets for the engine and the write path, as rows of bench/RESULTS.md: stricter
 * than issue 8's, and each checked against what this run measured.
 */

const fmt = (v, digits = 2) =>
  v === null || v === undefined || Number.isNaN(v) ? '-' : Number(v).toFixed(digits);

/** A row: label, measured, met (yes / **no**, or "-" when the section did not run). */
function row(label, result, measured, ok) {
  if (!result) return [label, 'not run', '-'];
  if (result.error) return [label, `(${result.error})`, '**no**'];
  return [label, measured(result), ok(result) ? 'yes' : '**no**'];
}

/** Rows for the table, from results.json's shape (run.js). */
export function engineTargets(r) {
  const largest = r.plan.sizes[r.plan.sizes.length - 1];
  const at = largest.toLocaleString('en-US');
  const reg = r.register.crontray?.[largest];
  const toad = r.register['toad-scheduler']?.[largest];
  const burst = r.burst.crontray;
  const api = r.plan.apiTasks === 1000 ? r.api : undefined;
  const peer = (x, pick, digits) =>
    x && !x.error ? ` (toad-scheduler ${fmt(pick(x), digits)})` : '';
  return [
    row(
      `registration <= 15 us/task @${at}`,
      reg,
      (x) => `${fmt(x.usPerTask, 1)}${peer(toad, (t) => t.usPerTask, 1)}`,
      (x) => x.usPerTask <= 15,
    ),
    row(
      `heap <= 1.4 KB/task @${at}`,
      reg,
      (x) => `${fmt(x.bytesPerTask, 0)} B${peer(toad, (t) => t.bytesPerTask, 0)}`,
      (x) => x.bytesPerTask <= 1400,
    ),
    row(
      `${r.plan.burst.toLocaleString('en-US')} due in the same second: all started, first <= 5 ms, last <= 15 ms`,
      burst,
      (x) => {
        const t = r.burst['toad-scheduler'];
        const peerText =
          t && !t.error ? ` (toad-scheduler ${fmt(t.firstMs)} / ${fmt(t.lastMs)})` : '';
        return `${x.started} started, ${fmt(x.firstMs)} / ${fmt(x.lastMs)} ms${peerText}`;
      },
      (x) => x.started === r.plan.burst && x.firstMs <= 5 && x.lastMs <= 15,
    ),
    row(
      '1,000 tasks:create over HTTP (8 in flight, kept-alive connections) < 2 s',
      api,
      (x) => `${fmt(x.createMsPerTask * 1000, 0)} ms`,
      (x) => x.createMsPerTask * 1000 < 2000,
    ),
    row(
      'tasks:list @1,000 tasks: p50 <= 5 ms',
      api,
      (x) => fmt(x.tasksList.median),
      (x) => x.tasksList.median <= 5,
    ),
  ];
}
