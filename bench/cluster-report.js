/** The cluster section of bench/RESULTS.md, from the two runs of cluster-child.js. */

const num = (v, digits = 0) =>
  v === null || v === undefined || Number.isNaN(v) ? '-' : Number(v).toFixed(digits);

function row(label, x) {
  if (!x || x.error) return `| ${label} | ${x?.error ?? 'not run'} | | | | | | |`;
  return `| ${label} | ${x.completed.toLocaleString('en-US')} of ${x.expected.toLocaleString('en-US')} | ${x.lost} | ${x.duplicated} | ${x.early ?? '-'} | ${num(x.latenessMs?.median, 1)} | ${num(x.latenessMs?.p99, 1)} | ${x.loadAverage ? x.loadAverage.map((l) => l.toFixed(1)).join('/') : '-'} |`;
}

/** Where a cluster run's time goes, when the child measured it (CPU of each process, scripts). */
function costLine(c) {
  const cpu = c?.cpuMsPerRun;
  const scripts = c?.redisScriptsPerRun;
  if (!cpu || !scripts) return [];
  const workers = Object.keys(cpu)
    .filter((k) => k.startsWith('worker'))
    .reduce((sum, k) => sum + cpu[k], 0);
  return [
    `Cost per run due in the window (until every one of them ended): CPU ${num(cpu.total, 2)} ms in all (controller ${num(cpu.controller, 2)}, workers ${num(workers, 2)}, redis-server ${num(cpu.redis, 2)}); Lua scripts in Redis ${num(scripts.bullmq, 2)} of BullMQ's and ${num(scripts.locks, 2)} task-lock scripts.`,
    '',
  ];
}

/** Lines for RESULTS.md; empty when the cluster section did not run. */
export function clusterSection(cluster) {
  if (!cluster) return [];
  const c = cluster.cluster;
  // A tick recorded missed or skipped did not run: it counts against "nothing lost", and a run
  // started before its instant (a held tick let go early) is a bug.
  const ok =
    c &&
    !c.error &&
    c.completed === c.expected &&
    c.lost === 0 &&
    c.duplicated === 0 &&
    (c.early ?? 0) === 0 &&
    c.latenessMs?.p99 <= 250;
  const tasks = (c?.tasks ?? cluster.local?.tasks ?? 1000).toLocaleString('en-US');
  return [
    `## Cluster: ${tasks} tasks at 1 Hz for ${c?.seconds ?? 60} s, 2 local workers vs the local engine`,
    '',
    'No-op actions in both, so this measures the engines (Redis, BullMQ, the results queue).',
    '',
    '| engine | runs completed | lost | duplicated | started early | lateness p50 ms | lateness p99 ms | load average at the end |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    row('local engine', cluster.local),
    row('cluster (BullMQ on Redis)', c),
    '',
    `Target (every run completed, none lost, duplicated or started early, p99 lateness <= 250 ms): ${c && !c.error ? (ok ? 'met' : '**not met**') : '-'}.`,
    '',
    ...costLine(c),
  ];
}
