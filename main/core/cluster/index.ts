// The cluster layer's one export list: BullMQ on Redis as the engine for tasks that run on a queue.

export { ClusterController } from './cluster-controller.js';
export type { ClusterControllerOptions } from './cluster-controller.js';
export { ClusterWorker } from './cluster-worker.js';
export type { ClusterWorkerOptions } from './cluster-worker.js';
export { ClusterKey, CLUSTER_KEY_ENV, CLUSTER_KEY_FILE } from './cluster-key.js';
export {
  queueNameSchema,
  redisUrlSchema,
  redactRedisUrl,
  describeRedisError,
} from './cluster-connection.js';
export type { ClusterTaskDefinition } from './cluster-task.js';
export type { ClusterStatus, ClusterWorkerView, ClusterQueueView } from './cluster-status.js';
export type { ClusterRunSink } from './results-consumer.js';
export { planTick, clusterRunId } from './catch-up-plan.js';
export type { TickPlan } from './catch-up-plan.js';
