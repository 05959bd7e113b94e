/**
 * How a crontab command with standard input (the part after `%`) becomes a shell script:
 * `printf '%s' '<input>' | { <command>\n}`. printf gives the command exactly the bytes cron would
 * (no trailing newline added), and the braces feed the whole command, pipes included, as cron's
 * `sh -c` does. Export recognises the same shape and turns it back into `command%input`.
 */
const PREFIX = "printf '%s' ";
const SHAPE = /^printf '%s' ((?:'[^']*'|\\')+) \| \{\n([\s\S]*)\n\}$/;

/** Single-quotes a word for sh: 'it'\''s' */
export function shellQuote(word: string): string {
  if (word !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

function alwaysQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

export function scriptWithStdin(command: string, stdin: string | null): string {
  if (stdin === null) return command;
  return `${PREFIX}${alwaysQuote(stdin)} | {\n${command}\n}`;
}

/** The command and input a script made by scriptWithStdin holds; null for any other script. */
export function stdinOfScript(script: string): { command: string; stdin: string } | null {
  const match = SHAPE.exec(script);
  if (!match?.[1] || match[2] === undefined) return null;
  return { command: match[2], stdin: unquoteSingle(match[1]) };
}

/** Reads back what alwaysQuote wrote: '...' pieces and \' for each quote in the text. */
function unquoteSingle(quoted: string): string {
  let out = '';
  for (let i = 0; i < quoted.length;) {
    if (quoted.startsWith("\\'", i)) {
      out += "'";
      i += 2;
      continue;
    }
    const end = quoted.indexOf("'", i + 1);
    out += quoted.slice(i + 1, end);
    i = end + 1;
  }
  return out;
}
