// Headless mode for the load soak: the real service, stores and HTTP transport from dist/, with
// one change: 'script' actions run an in-process no-op, so the figures measure Crontray itself
// (engine, run records, config bookkeeping, history) and not 1,000 child processes a second.
// Usage: node --expose-gc test/soak/noop-host.js <dataDir>
import { CrontrayService } from '../../dist/main/core/service/service.js';
import { startHttpTransport } from '../../dist/main/headless/http-transport.js';
import { issueToken } from '../../dist/main/headless/token.js';
import { consoleLogger } from '../../dist/main/core/log/logger.js';
import { fileGate } from '../../dist/main/core/fs/fd-gate.js';

const dataDir = process.argv[2];
if (!dataDir) {
  console.error('noop-host: pass the data folder');
  process.exit(2);
}
const logger = consoleLogger('soak');
const quiet = { ...logger, info() {}, debug() {} };
const service = new CrontrayService({
  dataDir,
  host: 'headless',
  version: 'soak',
  logger: quiet,
  historyMode: 'polling',
  actions: { script: { run: async () => ({ status: 'succeeded' }) } },
});
await service.open();
const token = await issueToken(dataDir);
const transport = await startHttpTransport({
  service,
  token,
  staticDir: null,
  port: 0,
  logger: quiet,
});
console.log(`Open: ${transport.url}`);

// Sampled after a full collection, so a figure is what is live rather than where the
// collector happened to be. ArrayBuffers are reported beside the heap: the history keeps its
// runs in typed arrays, whose memory lies outside the JavaScript heap but is still the host's.
// writesWaiting: file operations waiting for a descriptor, i.e. how far the disk is behind.
const heap = () => {
  globalThis.gc?.();
  const m = process.memoryUsage();
  const sample = {
    at: Date.now(),
    heapUsed: m.heapUsed,
    arrayBuffers: m.arrayBuffers,
    rss: m.rss,
    writesWaiting: fileGate.stats().waiting,
  };
  console.log(`HEAP ${JSON.stringify(sample)}`);
};
setInterval(heap, 5000).unref();
process.on('SIGUSR2', heap);
process.once('SIGINT', () => {
  void transport
    .close()
    .then(() => service.close('quit'))
    .then(() => process.exit(0));
});
