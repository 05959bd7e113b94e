#!/usr/bin/env node
// `crontray worker` until the crontray command line can dispatch to it; also `npm run worker`.
import { runWorkerCommand } from './worker-command.js';

const code = await runWorkerCommand(process.argv.slice(2));
process.exitCode = code;
// Everything is closed by now; a handle a library left open must not keep the worker alive.
setTimeout(() => process.exit(code), 3000).unref();
