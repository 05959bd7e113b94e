/**
 * The code each script worker runs, as a string for `new Worker(code, { eval: true })`. A string
 * rather than a file, because the worker must start the same way from TypeScript sources under
 * test, from dist/ and from inside an Electron asar archive, where a separate worker file path is
 * fragile. It loads the user's module with import(), calls the chosen export with a small
 * context, and reports console output and the result as messages: messages on one port arrive in
 * order, so all output is in before the result.
 */
export const SCRIPT_WORKER_SOURCE = `
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const { format } = require('node:util');
const send = (stream) => (...args) => parentPort.postMessage({ type: 'output', stream, text: format(...args) + '\\n' });
console.log = console.info = console.debug = console.trace = send('stdout');
console.warn = console.error = send('stderr');
(async () => {
  try {
    const mod = await import(workerData.url);
    const fn = mod[workerData.exportName];
    if (typeof fn !== 'function') {
      parentPort.postMessage({ type: 'error', message: 'The script ' + workerData.file + " has no function export '" +
        workerData.exportName + "': export one, e.g. export default async function (context) { ... }" });
      return;
    }
    const value = await fn(workerData.context);
    try {
      parentPort.postMessage({ type: 'result', value });
    } catch (error) {
      parentPort.postMessage({ type: 'error', message: 'What the script ' + workerData.file +
        ' returned cannot be kept (' + error.message + '): return plain data (objects, arrays, strings, numbers).' });
    }
  } catch (error) {
    parentPort.postMessage({ type: 'error', message: error instanceof Error ? (error.stack || error.message) : String(error) });
  }
})();
`;
