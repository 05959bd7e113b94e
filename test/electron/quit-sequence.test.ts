import { describe, expect, it } from 'vitest';
import { QuitSequence } from '../../main/electron/quit-sequence.js';
import { recordingLogger } from '../support/recording-logger.js';
import { useDesktopService } from './electron-service.js';

describe('quitting the app', () => {
  const desktop = useDesktopService();

  it('quits gracefully once however often quit is asked, exiting after the service closed', async () => {
    const { service } = desktop;
    const exits: number[] = [];
    let closes = 0;
    const quit = new QuitSequence({
      close: async () => {
        closes++;
        await service.close('quit');
      },
      exit: (code) => exits.push(code),
      logger: recordingLogger(),
    });
    await service.call('scheduler:start', undefined);
    expect(quit.quitting).toBe(false);
    const first = quit.request();
    const second = quit.request();
    expect(quit.quitting).toBe(true);
    await Promise.all([first, second]);
    expect(closes).toBe(1);
    expect(exits).toEqual([0]);
  });

  it('exits with 1 and logs when closing fails, without throwing', async () => {
    const exits: number[] = [];
    const logger = recordingLogger();
    const quit = new QuitSequence({
      close: () => Promise.reject(new Error('disk full')),
      exit: (code) => exits.push(code),
      logger,
    });
    await quit.request();
    expect(exits).toEqual([1]);
    expect(logger.messages()).toEqual(['QuitSequence: closing failed: disk full']);
  });
});
