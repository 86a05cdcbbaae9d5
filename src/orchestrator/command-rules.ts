import { simpleCommands, type SimpleCommand } from './shell-commands.js';

/**
 * Commands that run what their arguments name (`sudo`, `env`, `xargs`, a
 * shell, `find -exec`, `npx`): an "always" for one of them covers exactly that
 * command, never the prefix, so `sudo npm test` approved once never lets
 * `sudo rm -rf /` through.
 */
const RUNNERS = new Set([
  '.',
  'bash',
  'builtin',
  'bunx',
  'chroot',
  'command',
  'coproc',
  'dash',
  'doas',
  'env',
  'eval',
  'exec',
  'find',
  'fish',
  'flock',
  'ionice',
  'ksh',
  'ltrace',
  'nice',
  'nohup',
  'npx',
  'nsenter',
  'parallel',
  'pnpx',
  'runuser',
  'setsid',
  'sh',
  'source',
  'stdbuf',
  'strace',
  'su',
  'sudo',
  'taskset',
  'time',
  'timeout',
  'unshare',
  'watch',
  'xargs',
  'zsh',
]);

/**
 * Subcommands that run or configure arbitrary things (`npm exec`, `npm run`,
 * `git config`): their prefix takes the third word too, so "always" for
 * `npm run build` is not "always" for `npm run deploy`.
 */
const RUNNER_SUBCOMMANDS = /^(?:(?:npm|pnpm|yarn|bun) (?:exec|x|dlx|run|run-script)|git config)$/;

/** A word that names a subcommand (`test`, `run:unit`), not an option, path, value or code. */
const SUBCOMMAND = /^[a-z][\w:.-]*$/i;

/**
 * What an "always" answer to a command line grants, and what a later command
 * line needs to be approved without asking: one rule per simple command in
 * it, and a later line is approved only when all of its rules were granted.
 * A chain (`&&`, `||`, `;`, `|`) is only as trusted as its least-trusted
 * part, so every part must be covered. A line that cannot be read as simple
 * commands (substitutions, expansions, redirections to files, anything
 * unparsable; see simpleCommands) has a single rule: this exact line.
 *
 * A simple command's rule is its prefix (`npm test`, `git status`, `make`)
 * when its second word names a subcommand; otherwise (an option, a path, a
 * value, code: `python -c …`, `git -c … status`) exactly the command, as it is
 * when it starts with `VAR=value` or with a command that runs another
 * (RUNNERS).
 */
export async function commandRules(line: string): Promise<string[]> {
  const commands = await simpleCommands(line);
  if (!commands || commands.length === 0) return [`line ${line}`];
  return [...new Set(commands.map(ruleOf))];
}

function ruleOf(command: SimpleCommand): string {
  // Words joined by NUL, which no word contains: two different commands never share a rule.
  const exact = `exact ${[...command.assignments, ...command.words].join('\0')}`;
  const [name = '', second, third] = command.words;
  if (command.assignments.length > 0 || RUNNERS.has(name.slice(name.lastIndexOf('/') + 1))) return exact;
  if (second === undefined) return `prefix ${name}`;
  if (!SUBCOMMAND.test(second)) return exact;
  if (!RUNNER_SUBCOMMANDS.test(`${name} ${second}`)) return `prefix ${name} ${second}`;
  return third !== undefined && SUBCOMMAND.test(third) ? `prefix ${name} ${second} ${third}` : exact;
}
