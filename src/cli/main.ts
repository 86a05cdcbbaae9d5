import { Command, type CommanderError, InvalidArgumentError, Option } from 'commander';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ExitCode, UsageError } from './exit-codes.js';
import { watchParent } from './parent-watch.js';
import { jsonLine, terminalSafe } from '../core/terminal-text.js';
import type { PermissionMode, ResultEvent } from '../core/events.js';
import { emptyUsage, toUsageReport } from '../core/usage.js';
import { packageRoot } from '../core/package-root.js';
import { SessionInUseError } from '../sessions/in-use.js';

watchParent();

// `agent sessions | head`: the reader went away, which is the end of the output, not a failure.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(process.exitCode ?? ExitCode.success);
});

// Only commander and this file load before a command is chosen: `agent --version`
// must answer fast, so everything else is imported lazily by the command that needs it.
const { version } = JSON.parse(readFileSync(path.join(packageRoot, 'package.json'), 'utf8')) as {
  version: string;
};

const byteSize = (value: string): number => {
  const match = /^(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?$/i.exec(value.trim());
  if (!match) throw new InvalidArgumentError('must be a size such as 512m or 4g');
  const scale = { '': 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40 }[
    match[2]!.toLowerCase() as '' | 'k' | 'm' | 'g' | 't'
  ];
  return Math.round(Number(match[1]) * scale);
};

const positiveNumber = (value: string): number => {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('must be a positive number');
  return n;
};

/** How long a finished run may take to exit on its own before it is ended explicitly. */
const EXIT_GRACE_MS = 2000;

const positiveInt = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('must be a positive integer');
  return n;
};

/** Anthropic's minimum thinking budget. */
const thinkingTokens = (value: string): number => {
  const n = positiveInt(value);
  if (n < 1024) throw new InvalidArgumentError('must be at least 1024 tokens');
  return n;
};

export interface RunFlags {
  print?: boolean;
  outputFormat: 'text' | 'json' | 'stream-json';
  provider?: string;
  model?: string;
  fastModel?: string;
  fallback?: string[];
  baseUrl?: string;
  maxTurns: number;
  maxBudgetUsd?: number;
  thinking?: number;
  maxOutputTokens?: number;
  contextWindow?: number;
  idleTimeout?: number;
  sandbox: 'docker' | 'none';
  sandboxImage?: string;
  setup?: string;
  sandboxMemory?: number;
  sandboxPids?: number;
  sandboxCpus?: number;
  allowNetwork?: boolean;
  yolo?: boolean;
  permissionMode?: PermissionMode;
  allowHomeWorkspace?: boolean;
  cwd: string;
  verbose?: boolean;
  debug?: boolean;
  continue?: boolean;
  resume?: string | true;
  gitCommit?: boolean;
}

const program = new Command()
  .name('agent')
  .description(
    'A coding agent for the terminal: it searches, reads, edits and runs your code until the checks pass.',
  )
  .version(version, '-v, --version')
  .argument(
    '[task]',
    'what to do, e.g. "fix failing tests". In a terminal, an interactive session opens (with the task sent, if given); ' +
      'with -p or without a terminal the task runs headless (read from stdin when omitted; piped stdin is added to a given task as context)',
  )
  .option('-p, --print', 'headless: run the task, print the result, never prompt')
  .addOption(
    new Option('--output-format <format>', 'output in print mode')
      .choices(['text', 'json', 'stream-json'])
      .default('text'),
  )
  .option(
    '--provider <name>',
    'openai, anthropic, or a provider named in the configuration file (default: from the environment)',
  )
  .option('-m, --model <id>', 'model id (any id the provider accepts)')
  .option('--fast-model <id>', 'cheaper model for routine steps (the main model plans and recovers)')
  .option(
    '--fallback <providers>',
    'comma-separated providers (or provider:model) to continue on while the main one is down',
    (value: string) => value.split(',').filter(Boolean),
  )
  .option('--base-url <url>', 'API endpoint, e.g. http://localhost:11434/v1 for Ollama')
  .option('--max-turns <n>', 'stop after this many model turns', positiveInt, 50)
  .option(
    '--max-budget-usd <dollars>',
    'stop cleanly (exit code 54) before a model turn that would take the cost over this many US dollars',
    positiveNumber,
  )
  .option(
    '--thinking <tokens>',
    "let Anthropic models think first, up to this many tokens per turn (at least 1024; default: the configuration's thinkingBudget, else off)",
    thinkingTokens,
  )
  .option('--max-output-tokens <n>', 'cap on tokens per model reply', positiveInt)
  .option(
    '--context-window <n>',
    "the model's context window in tokens (for models agent does not know)",
    positiveInt,
  )
  .option(
    '--idle-timeout <seconds>',
    "give up on a model request after this long without any data from the server (default 20, and 300 for OpenAI's reasoning models on OpenAI's endpoint; tried twice)",
    positiveNumber,
  )
  .addOption(
    new Option('--sandbox <kind>', 'where commands run: docker (isolated, no network) or none (the host)')
      .choices(['docker', 'none'])
      .default('docker'),
  )
  .option(
    '--sandbox-image <image>',
    'Docker image for the sandbox (default: agent-sandbox:latest or $AGENT_SANDBOX_IMAGE)',
  )
  .option(
    '--setup <command>',
    'command run once in the sandbox with network before it is sealed, e.g. "npm ci"',
  )
  .option('--allow-network', 'keep the network on in the sandbox for the whole run')
  .option('--sandbox-memory <size>', 'memory limit of the sandbox, e.g. 2g (default 4g)', byteSize)
  .option('--sandbox-pids <n>', 'process limit of the sandbox (default 512)', positiveInt)
  .option('--sandbox-cpus <n>', 'CPU limit of the sandbox (default: up to 4)', positiveNumber)
  .option(
    '--yolo',
    'allow running commands on the host without asking (needed with --sandbox none in print mode)',
  )
  .addOption(
    new Option(
      '--permission-mode <mode>',
      'what runs without asking: plan (nothing changes), ask (every edit and command), auto-edit (edits and sandboxed commands; network and host commands ask), yolo (everything)',
    ).choices(['plan', 'ask', 'auto-edit', 'yolo']),
  )
  .option('-C, --cwd <dir>', 'repository to work in', process.cwd())
  .option(
    '--allow-home-workspace',
    'allow working in your home directory, / or a directory above home (print mode refuses otherwise)',
  )
  .option('--verbose', 'in text mode, show tool calls and progress on stderr')
  .option(
    '--debug',
    'write a debug log to attach to a bug report (errors recovered from, request timings, retries, model choices; keys redacted) and print its path',
  )
  .option('-c, --continue', "continue this repository's latest session (with -p too)")
  .option(
    '-r, --resume [id]',
    'continue a recorded session by id or id prefix (`agent sessions` lists them); in a terminal without an id, pick one',
  )
  .option(
    '--git-commit',
    "commit each request's changes on the current branch, with a message naming the request and the files (git hooks do not run; default: the configuration's gitCommit, else off)",
  )
  .option('--no-git-commit', 'do not commit, whatever the configuration says')
  // The error stays in view: a pointer to the help, not the whole of it.
  .showHelpAfterError('(--help lists the options)')
  // Set before the subcommands are added, which inherit it: their bad usage is bad usage too.
  .exitOverride(onCommanderExit)
  .action(async (task: string | undefined, flags: RunFlags) => {
    const { runCommand } = await import('./run-command.js');
    const { debugLog } = await import('../core/debug-log.js');
    if (flags.debug) process.stderr.write(`agent: debug log: ${await debugLog.enable(version)}\n`);
    try {
      process.exitCode = await runCommand(task, flags);
    } finally {
      await debugLog.close();
    }
    // Everything is cleaned up by now; a handle some library leaked must not keep a finished run alive.
    setTimeout(() => process.exit(), EXIT_GRACE_MS).unref();
  });

const sandbox = program.command('sandbox').description('manage the Docker sandbox');
sandbox
  .command('build')
  .description('build the sandbox image (offline from Debian packages when no registry is reachable)')
  .option('--image <image>', 'image name to build')
  .option('--offline', 'build from Debian packages with debootstrap instead of sandbox/Dockerfile')
  .option('--force', 'rebuild even if the image exists')
  .action(async (flags: { image?: string; offline?: boolean; force?: boolean }) => {
    const { sandboxBuild } = await import('./sandbox-command.js');
    process.exitCode = await sandboxBuild(flags);
  });
sandbox
  .command('status')
  .description('show whether the Docker engine is reachable and the image is present')
  .option('--image <image>', 'image name to check')
  .action(async (flags: { image?: string }) => {
    const { sandboxStatus } = await import('./sandbox-command.js');
    process.exitCode = await sandboxStatus(flags);
  });

const sessions = program
  .command('sessions')
  .description("list this repository's recorded sessions")
  .option('--json', 'one JSON object per session, for scripts')
  .option('--all', 'sessions of every repository')
  .action(async (flags: { json?: boolean; all?: boolean }) => {
    const { sessionsList } = await import('./sessions-command.js');
    process.exitCode = sessionsList({ ...flags, cwd: program.opts<RunFlags>().cwd });
  });
sessions
  .command('show <id>')
  .description('print the transcript of a session (id or id prefix)')
  .action(async (id: string) => {
    const { sessionsShow } = await import('./sessions-command.js');
    process.exitCode = sessionsShow(id, program.opts<RunFlags>());
  });
sessions
  .command('rm <id>')
  .description('delete a recorded session (id or id prefix)')
  .action(async (id: string) => {
    const { sessionsRemove } = await import('./sessions-command.js');
    process.exitCode = await sessionsRemove(id, program.opts<RunFlags>());
  });

program
  .command('undo')
  .description(
    "put the files back as they were before a session's last turn (default: this repository's latest session)",
  )
  .option('--session <id>', 'the session (id or id prefix; `agent sessions` lists them)')
  .option('--turns <n>', 'undo the last n turns', positiveInt, 1)
  .option('--force', 'overwrite files changed by hand since the turn (refused otherwise)')
  .action(async (flags: { session?: string; turns: number; force?: boolean }) => {
    const { undoCommand } = await import('./checkpoint-commands.js');
    process.exitCode = await undoCommand({ ...flags, cwd: program.opts<RunFlags>().cwd });
  });
program
  .command('diff')
  .description(
    "what a session changed, against its first checkpoint (default: this repository's latest session)",
  )
  .option('--session <id>', 'the session (id or id prefix)')
  .action(async (flags: { session?: string }) => {
    const { diffCommand } = await import('./checkpoint-commands.js');
    process.exitCode = await diffCommand({ ...flags, cwd: program.opts<RunFlags>().cwd });
  });

try {
  await program.parseAsync();
} catch (error) {
  const usage = error instanceof UsageError;
  const message = error instanceof Error ? error.message : String(error);
  // Bad usage and a session open elsewhere are the user's to resolve and need no stack; anything else is a bug worth its stack.
  const explained = usage || error instanceof SessionInUseError;
  process.stderr.write(
    terminalSafe(`agent: ${!explained && error instanceof Error ? error.stack : message}\n`),
  );
  process.exitCode = usage ? ExitCode.usage : ExitCode.error;
  reportFailedStart(message);
}

/** Help and version are not failures; anything else commander rejects is bad usage. */
function onCommanderExit(error: CommanderError): never {
  if (error.exitCode === 0) process.exit(ExitCode.success);
  reportFailedStart(error.message.replace(/^error: /, ''));
  process.exit(ExitCode.usage);
}

/**
 * Machine-readable runs end with a result line even when no session could
 * start, a flag commander rejected included (then the flags are not parsed
 * yet, so the format is read from the command line as it was typed).
 */
function reportFailedStart(message: string): void {
  if (!['json', 'stream-json'].includes(requestedFormat())) return;
  const result: ResultEvent = {
    type: 'result',
    status: 'error',
    is_error: true,
    turns: 0,
    duration_ms: 0,
    session_id: '',
    usage: toUsageReport(emptyUsage()),
    text: '',
    error: message,
  };
  process.stdout.write(jsonLine(result));
}

function requestedFormat(): string {
  const parsed = (program.opts() as Partial<RunFlags>).outputFormat;
  if (parsed && parsed !== 'text') return parsed;
  const args = process.argv.slice(2);
  const inline = args.find((arg) => arg.startsWith('--output-format='));
  if (inline) return inline.slice('--output-format='.length);
  const at = args.indexOf('--output-format');
  return at === -1 ? 'text' : (args[at + 1] ?? 'text');
}
