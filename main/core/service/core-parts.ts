import type { TaskScheduler } from '../schedule/task-scheduler.js';
import type { TaskStore } from '../store/task-store.js';
import type { Vault } from '../store/vault.js';
import type { SessionLedger } from '../routine/session-ledger.js';
import type { JobCache } from '../jobs/job-cache.js';
import type { RunSearch } from '../jobs/search-runs.js';
import type { CacheDirectory } from '../cache/cache-directory.js';
import type { RetentionSweeper } from '../store/retention.js';
import type { Clock } from '../time/clock.js';
import type { Logger } from '../log/logger.js';
import type { RunRecord } from '../model/run.js';
import type { EventHub } from './event-hub.js';
import type { ClusterLink } from '../cluster/cluster-link.js';

/** What the handlers work with once the service is open: every manager, already loaded. */
export interface CoreParts {
  dataDir: string;
  clock: Clock;
  logger: Logger;
  events: EventHub;
  store: TaskStore;
  vault: Vault;
  engine: TaskScheduler<string>;
  ledger: SessionLedger;
  jobs: JobCache;
  /** Full-text search over the history, built in the background after open. */
  search: RunSearch;
  cacheDir: CacheDirectory;
  retention: RetentionSweeper;
  /** Tasks whose action cannot be decrypted, with the reason; they stay out of the engine. */
  locked: Map<string, string>;
  /** The newest record of recent runs by id, so Run now can answer with its record at once. */
  recentRuns: Map<string, RunRecord>;
  /** The cluster controller's link when a Redis URL is set (--redis); null otherwise. */
  cluster: ClusterLink | null;
}
