import { CliError, USAGE, parseHeadlessArgs } from './cli-options.js';
import { runHeadless } from './run-headless.js';

/** `node dist/main/headless/entry.js [flags]`: runs until Ctrl-C, then shuts down cleanly. */
export async function main(argv: string[]): Promise<void> {
  let options;
  try {
    options = parseHeadlessArgs(argv);
  } catch (error) {
    console.error(error instanceof CliError ? error.message : String(error));
    process.exitCode = 2;
    return;
  }
  if (options === 'help') {
    console.log(USAGE);
    return;
  }
  const app = await runHeadless(options);
  console.log(
    `Crontray is running headless${options.testMode ? ' (TEST MODE: virtual clock, plaintext vault)' : ''}.`,
  );
  console.log(`Data folder: ${options.dataDir}`);
  console.log(`Open: ${app.url}`);
  console.log('Press Ctrl-C to stop.');

  const shutdown = (signal: string) => {
    console.log(`\nCrontray: ${signal} received, stopping…`);
    app.stop('quit').then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('Crontray: shutdown failed', error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

const invokedDirectly =
  process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'));
if (invokedDirectly) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(
      `Crontray: headless mode failed to start: ${error instanceof Error ? error.message : String(error)}`,
    );
    process.exit(1);
  });
}
