import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { planCrontab } from '../../../main/core/transfer/crontab-plan.js';
import type { ImportPlan } from '../../../main/core/transfer/import-plan.js';
import { nextRunTimes } from '../../../main/core/schedule/schedule-times.js';
import type { ShellAction } from '../../../main/core/model/action.js';

const FIXTURES = resolve(import.meta.dirname, '..', '..', 'fixtures', 'crontabs');
const FROM = Date.UTC(2026, 0, 5, 0, 0, 0); // a Monday

/** The engine's own check, as the service passes it. */
function checkPattern(pattern: string, timezone: string | undefined): string | null {
  try {
    const next = nextRunTimes(
      { kind: 'cron', pattern, dayMatch: 'or' },
      { timezone: timezone ?? 'UTC', count: 1, fromMs: FROM },
    );
    return next.length === 0 ? `pattern '${pattern}' never fires` : null;
  } catch (error) {
    return error instanceof Error ? error.message.replace(/^TaskScheduler: /, '') : String(error);
  }
}

async function plan(file: string): Promise<ImportPlan> {
  return planCrontab(await readFile(join(FIXTURES, file), 'utf8'), { checkPattern });
}

function shell(p: ImportPlan, index: number): ShellAction {
  const action = p.drafts[index]?.task.action;
  if (action?.kind !== 'shell') throw new Error(`draft ${index} is not a shell task`);
  return action as ShellAction;
}

const outcomes = (p: ImportPlan) => p.rows.map((r) => r.outcome);

async function runScript(script: string, shellName = 'sh'): Promise<string> {
  const { stdout } = await promisify(execFile)(shellName, ['-c', script]);
  return stdout;
}

describe('crontab import: reading real crontab files', () => {
  it('imports a one-line crontab as one task running the line in sh', async () => {
    const p = await plan('01-simple.crontab');
    expect(outcomes(p)).toEqual(['task']);
    expect(p.drafts[0]?.task.schedule).toEqual({
      kind: 'cron',
      pattern: '*/5 * * * *',
      dayMatch: 'or',
    });
    expect(shell(p, 0)).toMatchObject({
      mode: 'script',
      shell: 'sh',
      script: '/usr/local/bin/check-disk --warn 90',
    });
    expect(p.drafts[0]?.task.name).toMatch(/^check-disk-[0-9a-f]{8}$/);
  });

  it("skips Debian's default header comments and turns the comment above a job into its notes", async () => {
    const p = await plan('02-debian-default.crontab');
    expect(p.drafts).toHaveLength(1);
    expect(p.drafts[0]?.task.notes).toBe(
      'Weekly backup of the home folders\nImported from crontab line 26: 0 5 * * 1 tar -zcf /var/backups/home.tgz /home/',
    );
    const header = p.rows.slice(0, 23);
    expect(header.every((r) => r.outcome === 'skipped')).toBe(true);
    expect(header[0]?.message).toBe('comment not directly above a task');
    expect(p.rows[24]?.outcome).toBe('note');
  });

  it('gives each job the environment lines above it, unquoted, and marks password-like values secret', async () => {
    const p = await plan('03-environment.crontab');
    expect(p.drafts).toHaveLength(2);
    const first = shell(p, 0);
    expect(first.shell).toBe('bash');
    expect(first.env).toEqual([
      {
        name: 'PATH',
        value: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
        secret: false,
      },
      { name: 'HOME', value: '/srv/app', secret: false },
      { name: 'GREETING', value: 'hello   world', secret: false },
      { name: 'QUOTED', value: 'single quoted', secret: false },
    ]);
    const second = shell(p, 1);
    expect(second.env.at(-1)).toEqual({ name: 'DB_PASSWORD', value: 's3cr3t', secret: true });
    const mail = p.rows.find((r) => r.text.startsWith('MAILTO'));
    expect(mail?.outcome).toBe('skipped');
    expect(mail?.message).toMatch(/instead of mailing it/);
  });

  it('handles % as cron does: input after the first %, newlines for the rest, \\% a literal %', async () => {
    const p = await plan('04-percent.crontab');
    expect(p.drafts).toHaveLength(4);
    // The command really gets the lines as its standard input.
    const cat = shell(p, 3).script;
    expect(await runScript(cat)).toBe('first line\nsecond line with % sign');
    const mail = shell(p, 0).script;
    expect(mail).toContain('mail -s "daily report" root');
    expect(await runScript(mail.replace('mail -s "daily report" root', 'cat'))).toBe(
      'Good morning,\nthe report is attached.\n',
    );
    // \% stays a % for date and echo, and there is no input.
    expect(shell(p, 1).script).toBe('tar czf /backups/etc-$(date +%Y-%m-%d).tgz /etc');
    expect(await runScript(shell(p, 2).script.replace(' >> /var/log/disk.log', ''))).toBe(
      'disk at 100% is bad\n',
    );
  });

  it('keeps ranges with steps and lists, and they fire when cron would', async () => {
    const p = await plan('05-ranges-steps.crontab');
    expect(p.drafts).toHaveLength(6);
    const times = (i: number, count: number) =>
      nextRunTimes(p.drafts[i]!.task.schedule as never, {
        timezone: 'UTC',
        count,
        fromMs: FROM,
      }).map((t) => new Date(t).toISOString().slice(0, 16));
    expect(times(0, 3)).toEqual(['2026-01-05T00:01', '2026-01-05T00:03', '2026-01-05T00:05']);
    expect(times(1, 3)).toEqual(['2026-01-05T08:00', '2026-01-05T10:00', '2026-01-05T12:00']);
    // Day of month OR weekday, as classic cron: the 6th and 7th (1-7), then Monday the 12th.
    expect(times(4, 3)).toEqual(['2026-01-06T00:00', '2026-01-07T00:00', '2026-01-12T00:00']);
    expect(times(5, 2)).toEqual(['2026-01-15T00:05', '2026-01-15T04:05']);
  });

  it('imports every nickname, @reboot as a task that runs when Crontray starts', async () => {
    const p = await plan('06-nicknames.crontab');
    expect(outcomes(p)).toEqual(['task', 'task', 'task', 'task', 'task', 'task', 'task', 'task']);
    expect(p.rows[0]?.message).toMatch(/^task '.*' \(@reboot: runs when Crontray starts\)$/);
    const [reboot, ...scheduled] = p.drafts;
    expect(reboot?.task.triggers).toEqual({ events: ['start'], eventsOnly: true });
    expect(scheduled.map((d) => (d.task.schedule as { pattern: string }).pattern)).toEqual([
      '0 * * * *',
      '0 0 * * *',
      '0 0 * * *',
      '0 0 * * 0',
      '0 0 1 * *',
      '0 0 1 1 *',
      '0 0 1 1 *',
    ]);
  });

  it('attaches comment blocks to the job right below them and lists the rest as skipped comments', async () => {
    const p = await plan('07-comments.crontab');
    expect(p.drafts).toHaveLength(2);
    expect(p.drafts[0]?.task.notes).toMatch(
      /^Renew certificates twice a day\nsee https:\/\/certbot.eff.org\n/,
    );
    expect(p.drafts[1]?.task.notes).toMatch(/^indented comment above a job\n/);
    expect(outcomes(p)).toEqual([
      'skipped',
      'skipped',
      'skipped',
      'note',
      'note',
      'task',
      'skipped',
      'note',
      'task',
      'skipped',
      'skipped',
    ]);
    // A commented-out job stays a comment: it is not imported.
    expect(p.rows[9]?.text).toBe('#0 1 * * * /usr/bin/disabled-job');
  });

  it('reads a crontab saved with Windows line endings without carrying the carriage returns along', async () => {
    const p = await plan('08-crlf.crontab');
    expect(p.drafts).toHaveLength(2);
    expect(shell(p, 1).script).toBe('/usr/bin/go-home --now');
    expect(shell(p, 0).env).toEqual([{ name: 'PATH', value: '/usr/bin:/bin', secret: false }]);
    expect(p.rows.every((r) => !r.text.includes('\r'))).toBe(true);
  });

  it('accepts month and weekday names and Sunday as 7', async () => {
    const p = await plan('09-names.crontab');
    expect(p.drafts).toHaveLength(5);
    const first = (i: number) =>
      new Date(
        nextRunTimes(p.drafts[i]!.task.schedule, {
          timezone: 'UTC',
          count: 1,
          fromMs: FROM,
        })[0]!,
      )
        .toISOString()
        .slice(0, 16);
    expect(first(1)).toBe('2026-01-11T09:00');
    expect(first(2)).toBe('2026-01-11T09:00');
    expect(first(4)).toBe('2026-01-09T18:00');
  });

  it('says why each bad line of a nasty crontab is not imported, and imports the good ones', async () => {
    const p = await plan('10-nasty.crontab');
    const byText = (start: string) => p.rows.find((r) => r.text.trimStart().startsWith(start));
    expect(byText('0 9 * * * /usr/bin/berlin')?.outcome).toBe('task');
    expect(p.drafts[0]?.task.timezone).toBe('Europe/Berlin');
    expect(byText('CRON_TZ=Mars')?.message).toMatch(/not an IANA time zone/);
    expect(p.drafts[1]?.task.timezone).toBe('Europe/Berlin');
    expect(byText('SHELL=/bin/zsh')?.message).toMatch(/sh or bash, not \/bin\/zsh/);
    expect(shell(p, 2).shell).toBe('sh');
    expect(byText('* * * * /missing')?.message).toMatch(/five time fields/);
    expect(byText('61 * * * *')?.message).toMatch(/^not imported: .*minute/);
    expect(byText('@every')?.message).toMatch(/'@every' is not a cron nickname/);
    expect(byText('0 0 * * * %only')?.message).toMatch(/no command before the first %/);
    expect(byText('5 4 * * * /tabs')?.message).toMatch(/same command and schedule as line 11/);
    expect(byText('0 0 31 2 *')?.message).toMatch(/never fires/);
    const long = p.drafts.at(-1)!.task.name;
    expect(long.length).toBeLessThanOrEqual(64);
    expect(long).toMatch(/^very-long-name-of-a-program-that-goes-on-[0-9a-f]{8}$/);
    expect(p.rows).toHaveLength(15);
  });

  it("imports a developer's crontab with cd, pipes and redirections kept as one sh script", async () => {
    const p = await plan('11-developer.crontab');
    expect(p.drafts).toHaveLength(4);
    expect(p.drafts.map((d) => d.task.name.replace(/-[0-9a-f]{8}$/, ''))).toEqual([
      'git',
      'pg_dump',
      'find',
      'curl',
    ]);
    expect(shell(p, 1).script).toBe('pg_dump -Fc appdb > /backups/appdb-$(date +%u).dump');
    expect(shell(p, 0).env.map((e) => e.name)).toEqual(['PATH', 'NODE_ENV']);
  });

  it('imports a line repeated twice once, and names differ for different patterns of one program', async () => {
    const p = await plan('12-duplicates-and-steps.crontab');
    expect(outcomes(p)).toEqual(['task', 'skipped', 'task']);
    expect(p.drafts[0]?.task.name).not.toBe(p.drafts[1]?.task.name);
  });

  it("reads /etc/crontab's user column 'root' and says it is left out", async () => {
    const p = await plan('13-system-crontab.crontab');
    expect(p.drafts).toHaveLength(2);
    expect(shell(p, 1).script).toBe(
      'test -x /usr/sbin/anacron || ( cd / && run-parts --report /etc/cron.daily )',
    );
    expect(p.rows.at(-1)?.message).toMatch(/the user column 'root' is left out/);
  });

  it('gives a line the same task name every time it is read', async () => {
    const a = await plan('11-developer.crontab');
    const b = await plan('11-developer.crontab');
    expect(a.drafts.map((d) => d.task.name)).toEqual(b.drafts.map((d) => d.task.name));
  });
});
