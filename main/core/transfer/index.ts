// Crontab and bundle import/export: pure readers and writers; the service saves and loads.
export { parseCrontabLine, CRON_NICKNAMES } from './crontab-line.js';
export type { CrontabLine } from './crontab-line.js';
export { splitCronPercent, joinCronPercent } from './cron-percent.js';
export { planCrontab } from './crontab-plan.js';
export type { CrontabPlanOptions } from './crontab-plan.js';
export type { ImportPlan, ImportRow, ImportDraft, ImportOutcome } from './import-plan.js';
export { writeCrontab } from './crontab-write.js';
export type { ExportTask, WrittenCrontab } from './crontab-write.js';
export { writeBundle } from './bundle-write.js';
export type { WrittenBundle, BundleInputTask } from './bundle-write.js';
export { readBundle, looksLikeBundle, BundleError } from './bundle-read.js';
export { importedTaskName } from './import-name.js';
export { scriptWithStdin, stdinOfScript, shellQuote } from './stdin-script.js';
