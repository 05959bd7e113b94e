import { createHash } from 'node:crypto';

/**
 * A stable task name for an imported crontab line: a readable part from the command's program
 * and a short hash of the pattern and the whole command, so importing the same line again finds
 * the same name (and changes nothing), while two lines running the same program stay apart.
 * Names follow the task-name rule (letters, digits, space, '.', '_', '-'; 64 at most).
 */
export function importedTaskName(pattern: string, command: string, stdin: string | null): string {
  const hash = createHash('sha256')
    .update(`${pattern}\n${command}\n${stdin ?? ''}`)
    .digest('hex')
    .slice(0, 8);
  return `${readablePart(command)}-${hash}`;
}

function readablePart(command: string): string {
  // Skip leading NAME=value assignments and common wrappers to find the program people know.
  const words = command.trim().split(/\s+/);
  const wrappers = new Set(['nice', 'ionice', 'nohup', 'exec', 'env', 'sudo', 'time', 'cd']);
  let program = '';
  for (let i = 0; i < words.length; i++) {
    const word = words[i] ?? '';
    if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(word) || word.startsWith('-')) continue;
    if (wrappers.has(word)) {
      // "cd /dir &&" names a folder, not the program: skip to the word after '&&' or ';'.
      if (word === 'cd') while (i < words.length && !/^(&&|;)$/.test(words[i] ?? '')) i++;
      continue;
    }
    program = word;
    break;
  }
  const base = (program.split('/').pop() ?? '').replace(/[^A-Za-z0-9_.-]+/g, '-');
  const trimmed = base
    .replace(/\.\.+/g, '.')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 40)
    .replace(/[.-]+$/, '');
  return trimmed === '' ? 'cron' : trimmed;
}
