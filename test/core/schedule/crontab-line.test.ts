import { describe, it, expect } from 'vitest';
import { splitCrontabLine } from '../../../main/core/schedule/crontab-line.js';

describe('a pasted crontab line', () => {
  it('splits into the five time fields and the command, spacing of the command kept', () => {
    expect(splitCrontabLine('0 5 * * 1-5 /usr/bin/backup.sh')).toEqual({
      pattern: '0 5 * * 1-5',
      command: '/usr/bin/backup.sh',
      note: null,
    });
    expect(splitCrontabLine('  30 2 * * *   tar -czf "/backup/home a.tgz"  /home  ')).toEqual({
      pattern: '30 2 * * *',
      command: 'tar -czf "/backup/home a.tgz"  /home',
      note: null,
    });
    expect(splitCrontabLine('0 5 * * * echo hello')?.pattern).toBe('0 5 * * *');
  });

  it('reads a nickname followed by a command', () => {
    expect(splitCrontabLine('@daily /usr/local/bin/rotate --all')).toEqual({
      pattern: '@daily',
      command: '/usr/local/bin/rotate --all',
      note: null,
    });
    expect(splitCrontabLine('@every 5m curl -s http://localhost/ping')?.pattern).toBe('@every 5m');
  });

  it('takes a sixth time-like field as seconds first (and a seventh as the year)', () => {
    expect(splitCrontabLine('0 0 5 * * MON-FRI /usr/bin/report')).toMatchObject({
      pattern: '0 0 5 * * MON-FRI',
      command: '/usr/bin/report',
    });
    expect(splitCrontabLine('0 0 5 * * ? 2030 /usr/bin/report')?.pattern).toBe('0 0 5 * * ? 2030');
    expect(splitCrontabLine('0 0 5 * * friL /usr/bin/report')?.pattern).toBe('0 0 5 * * friL');
  });

  it('reads a command that looks like a last-weekday field (`mail`) as the command, as the import does', () => {
    expect(splitCrontabLine('0 6 * * * mail -s report ops@example.com')).toMatchObject({
      pattern: '0 6 * * *',
      command: 'mail -s report ops@example.com',
    });
  });

  it('leaves out the root column of a system crontab, and says so', () => {
    expect(splitCrontabLine('17 * * * * root cd / && run-parts --report /etc/cron.hourly')).toEqual(
      {
        pattern: '17 * * * *',
        command: 'cd / && run-parts --report /etc/cron.hourly',
        note: "The user column 'root' of a system crontab is left out: the task runs as the user running Crontray.",
      },
    );
  });

  it('warns that % is not crontab’s input marker here', () => {
    expect(splitCrontabLine('0 0 * * * date +%F >> /tmp/days')?.note).toMatch(
      /unescaped % ends the command/,
    );
    expect(splitCrontabLine('0 0 * * * date +\\%F >> /tmp/days')?.note).toBeNull();
  });

  it('is not seen in a pattern, a comment or plain words', () => {
    for (const text of [
      '0 5 * * 1-5',
      '0 0 12 * * ?',
      '@daily',
      '# 0 5 * * * backup',
      'run the backup every day at five',
      '* * * * * * * *',
      '',
    ]) {
      expect(splitCrontabLine(text)).toBeNull();
    }
  });
});
