import { ClusterLink } from '../cluster/cluster-link.js';
import type { CoreParts } from './core-parts.js';
import type { Notice } from './run-pipeline.js';
import type { RunSink } from '../schedule/run-sink.js';

/**
 * Connects the cluster (its records go through `sink`, the same one local runs use, alerts
 * included) when a Redis URL is given. Without one, tasks set to run on a cluster
 * queue are named in a warning (they do not run here and are never silently moved).
 */
export async function openClusterLink(
  parts: CoreParts,
  sink: RunSink,
  redisUrl: string | undefined,
  notice: Notice,
  onChange: () => void,
): Promise<ClusterLink | null> {
  const clusterTasks = parts.store.listTasks().filter((t) => t.runOn.kind === 'cluster');
  if (redisUrl === undefined) {
    if (clusterTasks.length > 0) {
      notice(
        'warning',
        `${clusterTasks.length} task(s) run on a cluster queue (${clusterTasks
          .map((t) => `'${t.name}'`)
          .slice(0, 5)
          .join(
            ', ',
          )}), but no Redis URL is set: start with --redis URL. They do not run on this computer meanwhile.`,
      );
    }
    return null;
  }
  const link = new ClusterLink({
    dataDir: parts.dataDir,
    redisUrl,
    tasks: parts.store,
    vault: parts.vault,
    sink,
    logger: parts.logger,
    notice,
    onChange,
  });
  try {
    await link.start();
  } catch (error) {
    notice('error', `Cluster: ${error instanceof Error ? error.message : String(error)}`);
    return null;
  }
  return link;
}
