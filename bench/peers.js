/**
 * One adapter per scheduler under test, all with the same shape, so each measurement is written
 * once. `schedule(pattern, fn, i)` registers a cron job (6 fields, machine zone); `start()` is
 * called before registering; `stop()` ends everything.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

async function crontray(options = {}) {
  const { TaskScheduler } = await import('../dist/main/core/schedule/index.js');
  const scheduler = new TaskScheduler(options);
  return {
    name: 'crontray',
    start: () => scheduler.start(),
    schedule: (pattern, fn, i) =>
      scheduler.scheduleCron({ name: `task ${i}`, pattern, action: () => fn() }),
    stop: () => scheduler.stop(),
  };
}

async function croner() {
  const { Cron } = await import('croner');
  const jobs = [];
  return {
    name: 'croner',
    start() {},
    schedule(pattern, fn) {
      jobs.push(new Cron(pattern, fn));
    },
    stop() {
      for (const job of jobs) job.stop();
    },
  };
}

async function nodeCron() {
  const cron = require('node-cron');
  const tasks = [];
  return {
    name: 'node-cron',
    start() {},
    schedule(pattern, fn) {
      tasks.push(cron.schedule(pattern, fn));
    },
    async stop() {
      for (const task of tasks) await task.destroy();
    },
  };
}

async function nodeSchedule() {
  const schedule = require('node-schedule');
  const jobs = [];
  return {
    name: 'node-schedule',
    start() {},
    schedule(pattern, fn, i) {
      jobs.push(schedule.scheduleJob(`job ${i}`, pattern, fn));
    },
    stop() {
      for (const job of jobs) job.cancel();
    },
  };
}

async function toad() {
  const { ToadScheduler, CronJob, Task } = require('toad-scheduler');
  const scheduler = new ToadScheduler();
  return {
    name: 'toad-scheduler',
    start() {},
    schedule(pattern, fn, i) {
      scheduler.addCronJob(
        new CronJob({ cronExpression: pattern }, new Task(`task ${i}`, fn), {
          preventOverrun: false,
        }),
      );
    },
    stop() {
      scheduler.stop();
    },
  };
}

export const PEERS = {
  crontray,
  croner,
  'node-cron': nodeCron,
  'node-schedule': nodeSchedule,
  'toad-scheduler': toad,
};

export const PEER_NAMES = Object.keys(PEERS);

/**
 * The i-th of many distinct daily patterns that do not fall due for at least an hour: seconds,
 * minutes and hours vary, the hours skipping the current one and the next two (local time);
 * past 22 * 3600 patterns the day of the week varies too.
 */
export function distinctPattern(i, now = new Date()) {
  const hours = [];
  for (let h = 0; h < 24; h++) {
    const ahead = (h - now.getHours() + 24) % 24;
    if (ahead > 2) hours.push(h);
  }
  const perDay = hours.length * 3600;
  const s = i % 60;
  const m = Math.floor(i / 60) % 60;
  const h = hours[Math.floor(i / 3600) % hours.length];
  const k = Math.floor(i / perDay);
  return `${s} ${m} ${h} * * ${k === 0 ? '*' : (k - 1) % 7}`;
}
