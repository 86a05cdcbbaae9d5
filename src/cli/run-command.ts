import { statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createInterface } from 'node:readline/promises';
import type { ResultEvent } from '../core/events.js';
import { createAgent, type SandboxChoice } from '../runtime/agent.js';
import type { AgentSession } from '../runtime/protocol.js';
import { loadConfig } from './config.js';
import { ExitCode, UsageError } from './exit-codes.js';
import { createPrintView } from './print-view.js';
import { tuiServices } from './tui-services.js';
import { homeWorkspaceRisk } from './home-workspace.js';
import { providerEnv } from '../core/model-keys.js';
import { connectProvider } from './provider-setup.js';
import { pruneSessions } from '../sessions/store.js';
import { checkResumeFlags, chosenSession } from './session-choice.js';
import type { RunFlags } from './main.js';
import { packageRoot } from '../core/package-root.js';

/**
 * `agent [task]`: an interactive session in a terminal (with the task already
 * sent, if one was given), else a headless run of the task. Both are clients
 * of the same session runtime.
 */
export async function runCommand(taskArgument: string | undefined, flags: RunFlags): Promise<number> {
  const interactive = !flags.print && Boolean(process.stdin.isTTY && process.stdout.isTTY);
  // The UI (ink, React) takes longest to load: it loads while the session is assembled, not after.
  // Only here: print mode and --version never pay for it.
  const tui = interactive ? loadTui() : undefined;
  tui?.catch(() => undefined); // a failed start-up below must not also report an unhandled rejection
  const task = withPipedContext(taskArgument?.trim() ?? '', (await readPipedStdin()).trim());
  // A task swallowed by --resume is said as such, not as a missing task.
  checkResumeFlags(flags, interactive);
  if (!task && !interactive)
    throw new UsageError('no task given. Usage: agent "fix failing tests" (or pipe the task on stdin)');
  const cwd = resolveWorkspace(flags.cwd);
  const homeRisk = flags.allowHomeWorkspace ? undefined : homeWorkspaceRisk(cwd);
  if (homeRisk) await confirmHomeWorkspace(homeRisk, interactive);
  if (flags.sandbox === 'none' && !flags.yolo) await confirmHostExecution(interactive);

  // Read once: the provider setup and the session settings come from the same file.
  const config = await loadConfig(process.env);
  const { allowFiles, sessionRetentionDays, gitCommit } = config;
  pruneSessions(sessionRetentionDays);
  const resume = await chosenSession(flags, cwd);
  const connection = await connectProvider(flags, config, providerEnv());
  const agent = await createAgent({
    cwd,
    connection,
    allowFiles,
    record: true,
    checkpoints: true,
    // A --model given now wins over the /model the session last chose.
    ...(resume && { resume: flags.model ? { ...resume, model: undefined } : resume }),
    sandbox: sandboxChoice(flags),
    // --yolo confirmed host execution; inside the Docker sandbox the default already runs commands.
    mode: flags.permissionMode ?? (flags.yolo ? 'yolo' : 'auto-edit'),
    maxTurns: flags.maxTurns,
    gitCommit: flags.gitCommit ?? gitCommit,
    ...(flags.maxBudgetUsd !== undefined && { maxBudgetUsd: flags.maxBudgetUsd }),
    interactive,
  });
  const releaseSignals = handleSignals(agent);
  try {
    if (interactive) {
      const { runTui } = await tui!;
      return await runTui(agent, tuiServices(cwd, allowFiles, agent.id), {
        ...(task && { initialMessage: task }),
        resumed: Boolean(resume),
      });
    }
    const view = createPrintView({
      format: flags.outputFormat,
      live: flags.outputFormat === 'text' && Boolean(flags.verbose),
      stdout: process.stdout,
      stderr: process.stderr,
    });
    agent.subscribe((event) => {
      view(event);
      // Print mode handles one task: the session ends when the model has answered it.
      if (event.type === 'idle') agent.submit({ type: 'shutdown' });
    });
    agent.submit({ type: 'user_message', text: task });
    return exitCodeFor(await agent.done);
  } finally {
    releaseSignals();
  }
}

/** The interactive UI, bundled into one module by the build (scripts/bundle-ui.mjs) so it loads fast. */
const UI_BUNDLE = pathToFileURL(path.join(packageRoot, 'dist', 'ui', 'index.js')).href;

function loadTui(): Promise<typeof import('../tui/index.js')> {
  return import(UI_BUNDLE) as Promise<typeof import('../tui/index.js')>;
}

/** `cat log | agent -p "fix this"`: the piped text is context for the task, as with a pipe into Claude Code. */
function withPipedContext(task: string, piped: string): string {
  if (!piped) return task;
  if (!task) return piped;
  return `${task}\n\n<stdin>\n${piped}\n</stdin>`;
}

function exitCodeFor(result: ResultEvent): number {
  switch (result.status) {
    case 'success':
      return ExitCode.success;
    case 'max_turns':
      return ExitCode.maxTurns;
    case 'budget':
      return ExitCode.budget;
    case 'interrupted':
      return ExitCode.interrupted;
    case 'error':
      return ExitCode.error;
  }
}

function resolveWorkspace(dir: string): string {
  const cwd = path.resolve(dir);
  let isDirectory = false;
  try {
    isDirectory = statSync(cwd).isDirectory();
  } catch {
    // reported below
  }
  if (!isDirectory) throw new UsageError(`--cwd ${dir} is not a directory`);
  return cwd;
}

async function readPipedStdin(): Promise<string> {
  if (process.stdin.isTTY) return '';
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function confirmHostExecution(interactive: boolean): Promise<void> {
  const risk =
    "--sandbox none runs the model's commands directly on this machine, with your permissions and network";
  if (!interactive) throw new UsageError(`${risk}. Add --yolo to confirm (print mode never asks).`);
  if (!(await askYesNo(`${risk}. Continue?`)))
    throw new UsageError('not confirmed; use --sandbox docker, or --yolo');
}

async function confirmHomeWorkspace(risk: string, interactive: boolean): Promise<void> {
  const remedy = 'run agent in a project directory (-C <dir>), or add --allow-home-workspace';
  if (!interactive) throw new UsageError(`${risk}. Refusing in print mode: ${remedy}.`);
  if (!(await askYesNo(`${risk}. Continue?`))) throw new UsageError(`not confirmed; ${remedy}`);
}

/** Anything but yes is no: Ctrl-C or end of input at the question included. */
async function askYesNo(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  const answered = new AbortController();
  rl.on('SIGINT', () => {
    process.stderr.write('\n');
    answered.abort();
  });
  rl.on('close', () => answered.abort());
  try {
    const answer = await rl.question(`${question} [y/N] `, { signal: answered.signal });
    return /^y(es)?$/i.test(answer.trim());
  } catch (error) {
    if (answered.signal.aborted) return false;
    throw error;
  } finally {
    rl.close();
  }
}

function sandboxChoice(flags: RunFlags): SandboxChoice {
  if (flags.sandbox === 'none') return { kind: 'none' };
  return {
    kind: 'docker',
    options: {
      image: flags.sandboxImage,
      setupCommand: flags.setup,
      allowNetwork: Boolean(flags.allowNetwork),
      limits: {
        ...(flags.sandboxMemory && { memoryBytes: flags.sandboxMemory }),
        ...(flags.sandboxPids && { pids: flags.sandboxPids }),
        ...(flags.sandboxCpus && { cpus: flags.sandboxCpus }),
      },
    },
  };
}

/** How long an interrupted session may take to wind down before it is cut short. */
const INTERRUPT_GRACE_MS = 10_000;

/**
 * One Ctrl-C can arrive twice: a terminal signals every process of the foreground
 * group, and a wrapper around the agent (npx, bin/agent's hand-over) that got it
 * too forwards it. A repeat this soon after the first is that same Ctrl-C.
 */
const DUPLICATE_SIGNAL_MS = 300;

/**
 * First Ctrl-C (or SIGTERM) shuts the session down: the running call gets an
 * "interrupted" result, the sandbox is removed, the result says `interrupted`.
 * A second Ctrl-C, or a wind-down that hangs, removes the sandbox and exits at once.
 * A closed terminal (SIGHUP) and Ctrl-\ (SIGQUIT) end the session the same way: by
 * default they would kill the process and leave the container and its commands running.
 */
const SHUTDOWN_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'] as const;

function handleSignals(agent: AgentSession): () => void {
  const giveUp = () => void agent.abandon().finally(() => process.exit(ExitCode.interrupted));
  let firstAt: number | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (firstAt !== undefined) {
      if (performance.now() - firstAt > DUPLICATE_SIGNAL_MS) giveUp();
      return;
    }
    firstAt = performance.now();
    // A SIGTERM comes from a process manager, a timeout or kill: not from the user at the keyboard.
    agent.submit({
      type: 'shutdown',
      reason: signal === 'SIGINT' ? 'interrupted by the user' : `stopped by ${signal}`,
    });
    // Should anything hang on the way out (a stuck engine, say), do not outlive the signal by much.
    setTimeout(giveUp, INTERRUPT_GRACE_MS).unref();
  };
  for (const signal of SHUTDOWN_SIGNALS) process.on(signal, onSignal);
  return () => {
    for (const signal of SHUTDOWN_SIGNALS) process.off(signal, onSignal);
  };
}
