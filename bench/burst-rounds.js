/**
 * The burst (1,000 tasks due in the same second) is measured in rounds, each in a new process:
 * one start on this shared machine varies from 7 to 24 ms for the same build. The result is the
 * median round by its last start, unless a round failed or did not start every task: then that
 * round is the result, since "all started" must hold every time.
 */
export function medianBurst(rounds, n) {
  const kept = rounds.map((x) =>
    x.error ? { error: x.error } : { firstMs: x.firstMs, lastMs: x.lastMs, started: x.started },
  );
  const bad = rounds.find((x) => x.error || x.started !== n || x.lastMs === null);
  if (bad) return { ...bad, rounds: kept };
  const sorted = [...rounds].sort((a, b) => a.lastMs - b.lastMs);
  return { ...sorted[(sorted.length - 1) >> 1], rounds: kept };
}

/** Every round as "first / last", for the report; "-" for a result measured in one round. */
export function burstRoundsText(result) {
  if (!result?.rounds) return '-';
  return result.rounds
    .map((x) =>
      x.error ? `(${x.error})` : `${x.firstMs.toFixed(2)} / ${x.lastMs?.toFixed(2) ?? '-'}`,
    )
    .join(', ');
}
