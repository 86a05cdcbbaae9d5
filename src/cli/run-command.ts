import { randomUUID } from 'node:crypto';
import { statSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline/promises';
import type { ResultEvent, EventSink } from '../core/events.js';
import type { Sandbox } from '../sandbox/sandbox.js';
import { Session, type SystemFocus } from '../orchestrator/session.js';
import { buildSystemPrompt, readInstructions } from '../orchestrator/system-prompt.js';
import { createContextKeeper, repoMapFor } from '../orchestrator/context-setup.js';
import { createRetriever } from '../context/retrieval/retriever.js';
import { cleanUpInterruptedWrites } from '../fs/interrupted-writes.js';
import { ToolRegistry } from '../../tools/registry.js';
import { builtinTools } from '../../tools/index.js';
import { Workspace } from '../../tools/workspace.js';
import { Visibility } from '../fs/visibility/policy.js';
import { loadConfig } from './config.js';
import { ExitCode, UsageError } from './exit-codes.js';
import { createPrintView } from './print-view.js';
import { homeWorkspaceRisk } from './home-workspace.js';
import { terminalSafe } from './terminal-text.js';
import { providerEnv } from '../core/model-keys.js';
import { connectProvider } from './provider-setup.js';
import type { RunFlags } from './main.js';

/** `agent [task]`: assemble a session from the flags, run it, map the outcome to an exit code. */
export async function runCommand(taskArgument: string | undefined, flags: RunFlags): Promise<number> {
  const task = (taskArgument ?? (await readPipedStdin())).trim();
  if (!task)
    throw new UsageError('no task given. Usage: agent "fix failing tests" (or pipe the task on stdin)');
  const cwd = resolveWorkspace(flags.cwd);
  await cleanUpInterruptedWrites();
  const interactive = !flags.print && Boolean(process.stdin.isTTY && process.stdout.isTTY);
  const homeRisk = flags.allowHomeWorkspace ? undefined : homeWorkspaceRisk(cwd);
  if (homeRisk) await confirmHomeWorkspace(homeRisk, interactive);
  if (flags.sandbox === 'none' && !flags.yolo) await confirmHostExecution(interactive);

  const connected = await connectProvider(flags, providerEnv());
  const { allowFiles } = await loadConfig(process.env);
  const emit: EventSink = createPrintView({
    format: flags.outputFormat,
    live: flags.outputFormat === 'text' && (interactive || Boolean(flags.verbose)),
    stdout: process.stdout,
    stderr: process.stderr,
  });
  // One id names the session in the event stream and labels its container.
  const sessionId = randomUUID();
  const sandbox = await createSandbox(flags, cwd, sessionId, emit);
  const retriever = createRetriever({ root: cwd });
  const controller = new AbortController();
  const releaseSignals = handleSignals(controller, sandbox);
  try {
    const provider = connected.provider(emit);
    // Read once: the instructions are the repository's as the session found them, not as the model may edit them.
    const instructions = readInstructions(cwd);
    const systemFor = async (focus: SystemFocus) =>
      buildSystemPrompt({
        cwd,
        instructions: await instructions,
        sandbox: sandbox.kind,
        networkBlocked: sandbox.networkBlocked,
        repoMap: repoMapFor(retriever, focus, connected.model),
      });
    const workspace = new Workspace(cwd);
    const result = await new Session({
      task,
      sessionId,
      workspace,
      visibility: new Visibility(workspace.root, allowFiles),
      system: systemFor({ text: task, files: [] }),
      refreshSystem: systemFor,
      ...(interactive && { approveNetwork: askForNetwork }),
      provider,
      models: connected.models,
      maxTurns: flags.maxTurns,
      maxOutputTokens: connected.maxOutputTokens,
      sandbox,
      tools: new ToolRegistry(builtinTools),
      emit,
      signal: controller.signal,
      context: createContextKeeper(
        connected.model,
        provider,
        connected.maxOutputTokens,
        emit,
        controller.signal,
      ),
      retriever,
    }).run();
    return exitCodeFor(result);
  } finally {
    releaseSignals();
    // The session's result stands; a failed clean-up is only reported.
    for (const outcome of await Promise.allSettled([sandbox.dispose(), retriever.dispose()])) {
      if (outcome.status === 'rejected')
        process.stderr.write(`agent: clean-up failed: ${String(outcome.reason)}\n`);
    }
  }
}

function exitCodeFor(result: ResultEvent): number {
  switch (result.status) {
    case 'success':
      return ExitCode.success;
    case 'max_turns':
      return ExitCode.maxTurns;
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

/** The escalation offered in interactive sessions when a command fails because the sandbox has no network. */
const askForNetwork = (command: string): Promise<boolean> =>
  askYesNo(
    `\nThe sandbox has no network and this command needs it:\n  ${terminalSafe(command)}\nRun it once with network?`,
  );

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

async function createSandbox(
  flags: RunFlags,
  cwd: string,
  sessionId: string,
  emit: EventSink,
): Promise<Sandbox> {
  if (flags.sandbox === 'none') {
    const { HostSandbox } = await import('../sandbox/host.js');
    return new HostSandbox(cwd);
  }
  const { createDockerSandbox } = await import('../sandbox/docker.js');
  return createDockerSandbox({
    workspace: cwd,
    sessionId,
    image: flags.sandboxImage,
    setupCommand: flags.setup,
    onSetupOutput: (chunk) => emit({ type: 'setup_output', chunk }),
    allowNetwork: Boolean(flags.allowNetwork),
    limits: {
      ...(flags.sandboxMemory && { memoryBytes: flags.sandboxMemory }),
      ...(flags.sandboxPids && { pids: flags.sandboxPids }),
      ...(flags.sandboxCpus && { cpus: flags.sandboxCpus }),
    },
  });
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
 * First Ctrl-C (or SIGTERM) interrupts: the running call gets an "interrupted"
 * result, the session ends, the sandbox is removed. A second Ctrl-C gives up
 * waiting, removes the sandbox and exits at once.
 */
function handleSignals(controller: AbortController, sandbox: Sandbox): () => void {
  const giveUp = () => void sandbox.dispose().finally(() => process.exit(ExitCode.interrupted));
  let firstAt = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      if (performance.now() - firstAt > DUPLICATE_SIGNAL_MS) giveUp();
      return;
    }
    firstAt = performance.now();
    controller.abort(new Error(`received ${signal}`));
    // Should anything hang on the way out (a stuck engine, say), do not outlive the signal by much.
    setTimeout(giveUp, INTERRUPT_GRACE_MS).unref();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
}
