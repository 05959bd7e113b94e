#!/usr/bin/env node
// `npm run worker`: the same worker as `crontray worker`, started without the command line.
import { runWorkerCommand } from './worker-command.js';

const code = await runWorkerCommand(process.argv.slice(2));
process.exitCode = code;
// Everything is closed by now; a handle a library left open must not keep the worker alive.
setTimeout(() => process.exit(code), 3000).unref();
