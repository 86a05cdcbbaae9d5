import { z } from 'zod';
import type { ExecResult } from '../src/sandbox/sandbox.js';
import { capHeadTail, formatBytes, plural } from './output-cap.js';
import { needsNetwork } from './network-commands.js';
import type { Tool } from './tool.js';

const DEFAULT_TIMEOUT_MS = 120_000;
/** How much of a command's output the structured result keeps for display. */
const OUTPUT_TAIL_CHARS = 2_000;
const MAX_TIMEOUT_MS = 600_000;

/** Messages that mean a command tried to reach the network and could not. */
const NETWORK_FAILURE =
  /ENOTFOUND|EAI_AGAIN|ENETUNREACH|Could not resolve host|Network is unreachable|Temporary failure in name resolution|Name or service not known|No route to host|Failed to establish a new connection|getaddrinfo/i;

const schema = z.object({
  command: z.string().min(1).describe('Shell command (bash) to run in the repository root.'),
  timeout_ms: z
    .number()
    .int()
    .min(1)
    .max(MAX_TIMEOUT_MS)
    .optional()
    .describe(
      `Kill the command after this many milliseconds. Default ${DEFAULT_TIMEOUT_MS}, max ${MAX_TIMEOUT_MS}.`,
    ),
});

export const terminalTool: Tool<typeof schema> = {
  name: 'terminal',
  description:
    'Run a shell command in the repository root and get its exit code and combined stdout/stderr. ' +
    'Not interactive (stdin is closed). Long output keeps its beginning and end. ' +
    'Use it to build, run tests, and inspect the environment; use read/search/list for files.',
  schema,
  kind: 'execute',
  title: (args) => `terminal ${args.command}`,
  preview: async (args) => args.command,
  async run(args, ctx) {
    const timeoutMs = args.timeout_ms ?? DEFAULT_TIMEOUT_MS;
    const run = (network: boolean) =>
      ctx.sandbox.exec(args.command, { timeoutMs, signal: ctx.signal, onOutput: ctx.onOutput, network });
    const askForNetwork = (why: string) =>
      ctx.requestPermission({ action: 'network', title: `${why}: ${args.command}`, detail: args.command });
    // A command that obviously needs the network is asked about before it runs, not after it failed offline.
    const network =
      ctx.sandbox.networkBlocked &&
      needsNetwork(args.command) &&
      (await askForNetwork('This command needs the network'));
    let result = await run(network);
    let networkNote = network ? '\n[note: the user allowed network access for this command]' : '';
    if (!network && ctx.sandbox.networkBlocked && NETWORK_FAILURE.test(result.output)) {
      if (await askForNetwork('This command failed without network')) {
        result = await run(true);
        networkNote =
          '\n[note: the user allowed network access for this command, so it was run again with network]';
      } else {
        networkNote =
          '\n[note: network access is blocked by policy in this sandbox, so this command cannot reach the internet; ' +
          'work offline or ask the user to allow network access]';
      }
    }
    const body = result.output === '' ? '(no output)' : capHeadTail(result.output).replace(/\n$/, '');
    const droppedNote = result.dropped
      ? `\n[the sandbox also discarded ${plural(result.dropped.lines, 'line')} (${formatBytes(result.dropped.chars)}) from the middle of this very long output]`
      : '';
    return {
      output: `${body}${droppedNote}\n${statusLine(result, timeoutMs)}${networkNote}${result.createdGitRepository ? GIT_CREATED_NOTE : ''}`,
      isError: result.exitCode !== 0,
      detail: {
        kind: 'command',
        command: args.command,
        exit_code: result.exitCode,
        timed_out: result.timedOut,
        output_tail: result.output.slice(-OUTPUT_TAIL_CHARS),
      },
    };
  },
};

const GIT_CREATED_NOTE =
  '\n[this command created .git in the workspace: a repository made in the sandbox is not protected, so the ' +
  'user has been warned. Leave repositories to the user]';

function statusLine(result: ExecResult, timeoutMs: number): string {
  if (result.timedOut) {
    return `[timed out after ${timeoutMs / 1000} s; the command and its child processes were killed. Pass a larger timeout_ms (max ${MAX_TIMEOUT_MS}) if it needs longer]`;
  }
  const exited = result.exitCode === null ? 'killed' : `exit code ${result.exitCode}`;
  switch (result.killedBy) {
    case 'interrupt':
      return '[interrupted by the user before it finished]';
    case 'memory':
      return `[${exited}: the sandbox memory limit was exceeded and a process was killed]`;
    case 'pids':
      return `[${exited}: the sandbox process limit was reached, so some processes could not be started]`;
  }
  if (result.exitCode === null) return '[killed by a signal before it finished]';
  if (result.diskFull)
    return `[exit code ${result.exitCode}: a disk is full (No space left on device); in the sandbox /tmp is small, so delete what is not needed there or write to the workspace]`;
  return `[exit code ${result.exitCode}]`;
}
