import { afterEach, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileLogger, teeLogger } from '../../../main/core/log/file-logger.js';
import { silentLogger } from '../../../main/core/log/logger.js';

let dir: string;
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the log file', () => {
  it('keeps every line with its level and time, errors with their stack, in a file only the user can read', async () => {
    dir = await mkdtemp(join(tmpdir(), 'crontray-log-'));
    const path = join(dir, 'logs', 'crontray.log');
    const log = fileLogger({ path });
    teeLogger(silentLogger, log).info('Crontray started');
    log.warn('disk almost full', { freeBytes: 1024 });
    log.error('run failed', new Error('exit 3'));
    log.debug('not written without debug');
    await log.close();
    const text = await readFile(path, 'utf8');
    const lines = text.trim().split('\n');
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z INFO {2}Crontray started$/);
    expect(lines[1]).toContain('WARN  disk almost full { freeBytes: 1024 }');
    expect(text).toContain('ERROR run failed Error: exit 3');
    expect(text).not.toContain('not written');
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it('starts a new file when the old one has grown too big, keeping the old one', async () => {
    dir = await mkdtemp(join(tmpdir(), 'crontray-log-'));
    const path = join(dir, 'crontray.log');
    await writeFile(path, 'x'.repeat(2000));
    const log = fileLogger({ path, maxBytes: 1000 });
    log.info('fresh');
    await log.close();
    expect(await readFile(`${path}.1`, 'utf8')).toBe('x'.repeat(2000));
    expect(await readFile(path, 'utf8')).toMatch(/INFO {2}fresh\n$/);
  });
});
