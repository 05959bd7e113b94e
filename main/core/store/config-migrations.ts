import { namesOldRoutineDelay } from '../model/schedule.js';

/**
 * One step of config.json's format. `migrate` changes the parsed file in place; it runs once,
 * when a file recorded at an older version is opened (conf records the version it reached).
 */
export interface ConfigMigration {
  /** Plain x.y.z; steps run in version order. */
  version: string;
  description: string;
  migrate(data: Record<string, unknown>): void;
}

/** The format this build writes; the last migration's version. */
export const CONFIG_VERSION = '1.2.0';

export const configMigrations: readonly ConfigMigration[] = [
  {
    version: '1.0.0',
    description: 'files from before settings existed get the settings and tasks sections',
    migrate(data) {
      if (data.settings === undefined) data.settings = {};
      if (data.tasks === undefined) data.tasks = {};
    },
  },
  {
    version: '1.1.0',
    description: 'tasks get "Run on": this computer, where every task ran before clusters existed',
    migrate(data) {
      const tasks = data.tasks;
      if (typeof tasks !== 'object' || tasks === null) return;
      for (const task of Object.values(tasks as Record<string, unknown>)) {
        if (typeof task === 'object' && task !== null && !('runOn' in task)) {
          (task as Record<string, unknown>).runOn = { kind: 'local' };
        }
      }
    },
  },
  {
    version: '1.2.0',
    description: "a routine's wait is called waitMs (it was delayMs)",
    migrate(data) {
      for (const task of Object.values(tasksOf(data))) {
        const schedule = (task as { schedule?: unknown }).schedule;
        if (!namesOldRoutineDelay(schedule)) continue;
        const s = schedule as Record<string, unknown>;
        s.waitMs = s.delayMs;
        delete s.delayMs;
      }
    },
  },
];

function tasksOf(data: Record<string, unknown>): Record<string, object> {
  const tasks = data.tasks;
  if (typeof tasks !== 'object' || tasks === null) return {};
  return Object.fromEntries(
    Object.entries(tasks).filter(
      (entry): entry is [string, object] => typeof entry[1] === 'object' && entry[1] !== null,
    ),
  );
}

function parts(version: string): [number, number, number] {
  const match = /^(\d+)\.(\d+)\.(\d+)$/.exec(version);
  if (!match)
    throw new Error(`TaskStore: migration version '${version}' must be plain x.y.z, e.g. 1.2.0`);
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}

export function compareVersions(a: string, b: string): number {
  const [pa, pb] = [parts(a), parts(b)];
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}

/** The version conf recorded in a parsed config file; '0.0.0' for a file from before migrations. */
export function recordedVersion(data: Record<string, unknown>): string {
  const internal = data.__internal__;
  if (typeof internal !== 'object' || internal === null) return '0.0.0';
  const migrations = (internal as Record<string, unknown>).migrations;
  if (typeof migrations !== 'object' || migrations === null) return '0.0.0';
  const version = (migrations as Record<string, unknown>).version;
  return typeof version === 'string' && /^\d+\.\d+\.\d+$/.test(version) ? version : '0.0.0';
}

/** The steps a file at `from` still needs, in order (the same choice conf makes). */
export function pendingMigrations(
  migrations: readonly ConfigMigration[],
  from: string,
): ConfigMigration[] {
  return migrations
    .filter((m) => compareVersions(m.version, from) > 0)
    .sort((a, b) => compareVersions(a.version, b.version));
}
