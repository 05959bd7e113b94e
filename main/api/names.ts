/**
 * The contract's channel and event names without its schemas, for the preload: a sandboxed
 * preload is bundled small, and it needs the names only. A type test keeps this list equal to
 * the contract's keys.
 */
export const channelNames = [
  'app:info',
  'scheduler:status',
  'scheduler:start',
  'scheduler:stop',
  'scheduler:pause',
  'scheduler:until',
  'tasks:list',
  'tasks:get',
  'tasks:create',
  'tasks:update',
  'tasks:delete',
  'tasks:enable',
  'tasks:disable',
  'tasks:runNow',
  'tasks:preview',
  'runs:cancel',
  'history:sessions',
  'history:runs',
  'history:run',
  'history:stats',
  'history:delete',
  'history:search',
  'timeline:range',
  'cache:list',
  'cache:clear',
  'vault:status',
  'transfer:preview',
  'transfer:import',
  'transfer:export',
  'settings:get',
  'settings:set',
  'alerts:settings:get',
  'alerts:settings:set',
  'alerts:task:get',
  'alerts:task:set',
  'alerts:incidents',
  'alerts:history',
  'alerts:acknowledge',
  'alerts:test',
  'alerts:report',
  'updates:status',
  'updates:check',
  'cluster:get',
  'cluster:set-redis',
  'clock:advance',
] as const;

export const eventNames = [
  'run:started',
  'run:finished',
  'task:changed',
  'scheduler:state',
  'history:changed',
  'transfer:progress',
  'notice',
  'alerts:changed',
  'updates:state',
] as const;

/** Prefix of every IPC channel and of the HTTP routes, so nothing else is ever mistaken for one. */
export const EVENT_CHANNEL = 'crontray:event';
