// Preloaded into the electronegativity CLI (node --import). Its CSV report is two fs.writeFile
// calls issued at once: the header (which truncates the file) and the rows (appended). Whichever
// finishes last wins, so under load the report can come out empty or garbled (it did in CI,
// 2026-12-02). Here writes to one path run one after the other, in the order they were asked for.
import fs from 'node:fs';

const original = fs.writeFile;
const queues = new Map();

fs.writeFile = function serialWriteFile(file, data, options, callback) {
  const done = typeof options === 'function' ? options : callback;
  const opts = typeof options === 'function' ? undefined : options;
  const key = String(file);
  const previous = queues.get(key) ?? Promise.resolve();
  const next = previous.then(
    () =>
      new Promise((resolve) => {
        original.call(fs, file, data, opts ?? {}, (error) => {
          resolve();
          if (done) done(error);
        });
      }),
  );
  queues.set(key, next);
};
