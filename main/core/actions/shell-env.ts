import type { ShellAction } from '../model/action.js';

/**
 * Parent variables every child gets, so programs can be found and behave sanely; nothing else
 * leaks from the app's environment (which may hold tokens of its own).
 */
const POSIX_BASE = ['PATH', 'HOME', 'LANG', 'TMPDIR'];
/** Windows programs (powershell, anything doing networking) misbehave without SystemRoot & co. */
const WINDOWS_BASE = [
  'PATH',
  'PATHEXT',
  'USERPROFILE',
  'LANG',
  'TEMP',
  'TMP',
  'SystemRoot',
  'windir',
  'ComSpec',
];

/** The child's environment: the minimal base from `parent` plus the action's named variables. */
export function childEnv(
  action: Pick<ShellAction, 'env'>,
  parent: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): Record<string, string> {
  const env: Record<string, string> = {};
  const names = platform === 'win32' ? WINDOWS_BASE : POSIX_BASE;
  for (const name of names) {
    const value = lookup(parent, name, platform === 'win32');
    if (value !== undefined) env[name] = value;
  }
  for (const pair of action.env) env[pair.name] = pair.value;
  return env;
}

/** Windows variable names are case-insensitive ('Path' and 'PATH' are the same variable). */
function lookup(
  parent: NodeJS.ProcessEnv,
  name: string,
  caseInsensitive: boolean,
): string | undefined {
  if (!caseInsensitive) return parent[name];
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(parent)) if (key.toLowerCase() === wanted) return value;
  return undefined;
}

/** The program and arguments a shell action starts. */
export function commandLine(action: ShellAction): {
  program: string;
  args: string[];
  windowsVerbatimArguments: boolean;
} {
  if (action.mode === 'exec')
    return { program: action.program, args: action.args, windowsVerbatimArguments: false };
  switch (action.shell) {
    case 'sh':
    case 'bash':
      // The script is ONE argument: the shell parses it, Crontray never splices it into a command line.
      return {
        program: action.shell,
        args: ['-c', action.script],
        windowsVerbatimArguments: false,
      };
    case 'powershell':
      return {
        program: 'powershell',
        args: ['-NoProfile', '-NonInteractive', '-Command', action.script],
        windowsVerbatimArguments: false,
      };
    case 'cmd':
      // cmd does its own quote parsing; /s strips exactly the outer quotes we add, so Node must not quote again.
      return {
        program: 'cmd',
        args: ['/d', '/s', '/c', `"${action.script}"`],
        windowsVerbatimArguments: true,
      };
  }
}
