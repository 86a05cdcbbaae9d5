import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { AgentEvent, EventSink, PermissionMode, ResultEvent } from '../core/events.js';
import { toUsageReport } from '../core/usage.js';
import type { ModelInfo } from '../providers/models.js';
import type { Price } from '../providers/prices.js';
import type { Provider } from '../providers/provider.js';
import type { DockerSandboxOptions } from '../sandbox/docker.js';
import type { Sandbox } from '../sandbox/sandbox.js';
import { createRetriever } from '../context/retrieval/retriever.js';
import { createContextKeeper, repoMapFor } from '../orchestrator/context-setup.js';
import type { ModelChoice } from '../orchestrator/model-router.js';
import { Permissions, type ApprovalAnswer } from '../orchestrator/permissions.js';
import { ReadyGate } from '../orchestrator/ready-gate.js';
import { SandboxFailure, Session, type SystemFocus, type TaskOutcome } from '../orchestrator/session.js';
import { buildSystemPrompt, readInstructions } from '../orchestrator/system-prompt.js';
import { builtinTools } from '../../tools/index.js';
import { ToolRegistry } from '../../tools/registry.js';
import { Workspace } from '../../tools/workspace.js';
import { Visibility } from '../fs/visibility/policy.js';
import type { ToolContext } from '../../tools/tool.js';
import { cleanUpInterruptedWrites } from '../fs/interrupted-writes.js';
import { defaultCacheDir } from '../context/retrieval/index-store.js';
import { configPath } from '../core/config-path.js';
import { stateDir } from '../core/state-dir.js';
import { debugLog } from '../core/debug-log.js';
import { readRepoFacts } from '../git/repo-facts.js';
import { TurnCommits } from '../git/turn-commits.js';
import { EventBus } from './event-bus.js';
import { expandMentions } from './mentions.js';
import { Inbox } from './inbox.js';
import type { AgentSession, Operation } from './protocol.js';
import type { SavedConversation } from '../sessions/format.js';
import { claimSession } from '../sessions/in-use.js';
import { Recorder } from '../sessions/recorder.js';
import { repositorySessions, sessionFile } from '../sessions/store.js';
import { TurnCheckpoints } from '../checkpoints/turn-checkpoints.js';
import { runRestore } from '../checkpoints/rewind.js';
import type { ConversationState } from '../orchestrator/session.js';

/** The provider and models, already resolved from flags, configuration file and environment. */
export interface ProviderConnection {
  /** The provider with retries that report through the session's event stream. */
  provider: (emit: EventSink) => Provider;
  models: ModelChoice;
  model: ModelInfo;
  maxOutputTokens: number;
  /** A model's price, the configuration's overrides included; undefined when unknown. */
  price: (model: string) => Price | undefined;
}

export type SandboxChoice =
  | { kind: 'none' }
  | {
      kind: 'docker';
      options: Omit<DockerSandboxOptions, 'workspace' | 'sessionId' | 'onSetupOutput' | 'onNotice'>;
    };

export interface AgentConfig {
  cwd: string;
  sessionId?: string;
  connection: ProviderConnection;
  sandbox: SandboxChoice;
  mode: PermissionMode;
  /** Model turns allowed per user message. */
  maxTurns: number;
  /** Dollars this run may spend (--max-budget-usd); a resumed session's earlier runs do not count. */
  maxBudgetUsd?: number;
  /** Globs of credential-looking files the user lets the model see (their configuration's `allowFiles`). */
  allowFiles?: string[];
  /**
   * Whether someone answers approval requests (an `approval` operation). In
   * print mode nobody does: what the mode would ask about is refused instead.
   */
  interactive: boolean;
  /** Record the session to the state directory (src/sessions), to be listed and resumed later. */
  record?: boolean;
  /**
   * A recorded session to continue under its id; `state` is undefined if it
   * never completed a turn. `history` is what its transcript showed, replayed
   * to an interactive front end.
   */
  resume?: {
    id: string;
    state: SavedConversation | undefined;
    history?: AgentEvent[];
    /** What happened to the files since the last turn that the model must hear (an undo). */
    notes?: string[];
    /** The conversation as each recorded turn of the user's began, for /rewind. */
    turnStarts?: Map<number, ConversationState>;
    /** The last turn recorded: new turns are numbered on from it. */
    lastTurn?: number;
    /** The model a /model chose in the session's last run (kept unless the provider changed). */
    model?: { provider: string; model: string };
  };
  /** Commit each request's changes on the current branch (--git-commit). */
  gitCommit?: boolean;
  /** Checkpoint every turn that changes files, for undo and rewind (src/checkpoints). */
  checkpoints?: boolean;
}

/**
 * Assembles a session — provider, router, tools, permissions, sandbox,
 * retriever, context keeper — and runs its loop: messages in through
 * `submit`, events out through `subscribe`. Subscribe right after creation
 * (before yielding to the event loop) to see `session_start`.
 */
export async function createAgent(config: AgentConfig): Promise<AgentSession> {
  // Temporary files of writes killed in an earlier session (any workspace) go first.
  await cleanUpInterruptedWrites();
  const id = config.resume?.id ?? config.sessionId ?? randomUUID();
  const workspace = new Workspace(config.cwd);
  const cwd = workspace.root;
  const restored = config.resume?.state;
  if (restored) workspace.restoreReads(restored.reads);
  const file = sessionFile(repositorySessions(cwd), id);
  // Before anything starts: a session open in another agent is refused, not written to twice.
  const claim = config.record ? await claimSession(file, id) : undefined;
  const recorder = config.record
    ? new Recorder(file, (): SavedConversation => ({
        ...session.state(),
        reads: workspace.readRecords(),
      }))
    : undefined;
  const bus = new EventBus(recorder && ((event) => recorder.event(event)));
  const emit = bus.emit;
  const { connection } = config;
  const provider = connection.provider(emit);
  recorder?.start({
    id,
    cwd,
    provider: provider.name,
    model: connection.models.main,
    resumed: Boolean(config.resume),
  });
  if (restored) recorder?.continueFrom(restored);

  const sandboxFailed = new AbortController();
  const sandbox = new ReadyGate(
    await createSandbox(config, cwd, id, emit),
    () => {
      emit({ type: 'sandbox_state', state: 'starting', network: !sandbox.networkBlocked });
      sandbox.start().then(
        () => emit({ type: 'sandbox_state', state: 'ready', network: !sandbox.networkBlocked }),
        () => emit({ type: 'sandbox_state', state: 'failed', network: !sandbox.networkBlocked }),
      );
    },
    (error) => sandboxFailed.abort(new SandboxFailure(error)),
  );
  // The index starts building now; what it reports before session_start waits for it (session_start comes first).
  let indexEvents: AgentEvent[] | undefined = [];
  const emitIndexEvent = (event: AgentEvent) => (indexEvents ? indexEvents.push(event) : emit(event));
  const retriever = createRetriever({
    root: cwd,
    onProgress: (done, total) =>
      emitIndexEvent({ type: 'index_progress', files_done: done, files_total: total }),
    onNotice: (message) => emitIndexEvent({ type: 'notice', message }),
  });
  const instructions = readInstructions(cwd, (message) => emit({ type: 'notice', message }));
  const gitFacts = readRepoFacts(cwd);
  const systemFor = async (focus: SystemFocus) =>
    buildSystemPrompt({
      cwd,
      // Read once: the instructions are the repository's as the session found them, not as the model may edit them.
      instructions: await instructions,
      sandbox: sandbox.kind,
      networkBlocked: sandbox.networkBlocked,
      repoMap: repoMapFor(retriever, focus, connection.model),
      // Read once too: the prompt stays the same bytes while the tree changes.
      git: await gitFacts,
      gitCommit: Boolean(config.gitCommit),
    });
  const commits = config.gitCommit ? new TurnCommits(cwd, emit) : undefined;

  const approvals = new Map<string, (answer: ApprovalAnswer) => void>();
  /** The user's answer to the approval request `requestId` (an `approval` operation); rejects on abort. */
  const answerTo = (requestId: string, signal: AbortSignal): Promise<ApprovalAnswer> =>
    new Promise<ApprovalAnswer>((resolve, reject) => {
      approvals.set(requestId, resolve);
      signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
    }).finally(() => approvals.delete(requestId));
  const permissions = new Permissions(config.mode, emit, config.interactive ? answerTo : undefined);
  /** A question outside any tool call (an undo that would overwrite the user's changes), answered like an approval. */
  const confirm = async (title: string, detail: string): Promise<boolean> => {
    const requestId = randomUUID();
    const answer = answerTo(requestId, current.signal);
    emit({ type: 'approval_request', id: requestId, action: 'edit', title, detail, question: true });
    const approved = await answer.then(
      ({ decision }) => decision !== 'no',
      () => false,
    );
    emit({ type: 'approval_result', id: requestId, approved, scope: 'once', by: 'user' });
    return approved;
  };
  // The summariser's calls belong to whichever message is being handled.
  let current = new AbortController();
  const visibility = new Visibility(cwd, config.allowFiles ?? []);
  // Mentioned files are read as the model would read them, outside any turn.
  const mentionContext: ToolContext = {
    workspace,
    visibility,
    sandbox,
    signal: new AbortController().signal,
    onOutput: () => {},
    requestPermission: async () => false,
  };
  const checkpoints = config.checkpoints
    ? new TurnCheckpoints(cwd, id, emit, config.resume && (config.resume.lastTurn ?? 0))
    : undefined;
  /** The conversation as each turn found it (those recorded before a resume included), for a rewind. */
  const turnStarts = new Map<number, ConversationState>(config.resume?.turnStarts);
  const session = new Session({
    workspace,
    ...(checkpoints && { beforeChange: checkpoints.beforeChange }),
    visibility,
    // A resumed conversation keeps its system prompt: the provider's cached prefix stays valid.
    system: restored?.system ?? systemFor({ text: '', files: [] }),
    refreshSystem: systemFor,
    ...(restored && { restored }),
    provider,
    models: connection.models,
    price: connection.price,
    ...(config.maxBudgetUsd !== undefined && { maxBudgetUsd: config.maxBudgetUsd }),
    maxTurns: config.maxTurns,
    maxOutputTokens: connection.maxOutputTokens,
    sandbox,
    tools: new ToolRegistry(builtinTools),
    permissions,
    emit,
    context: createContextKeeper(
      connection.model,
      (): ModelChoice => ({ ...connection.models, main: session.model }),
      provider,
      connection.maxOutputTokens,
      emit,
      () => current.signal,
      (model, usage) => session.recordSummaryUsage(model, usage),
    ),
    retriever,
  });
  for (const note of config.resume?.notes ?? []) session.note(note);
  const resumedModel = config.resume?.model;
  const restoreModel =
    resumedModel?.provider === provider.name && resumedModel.model !== connection.models.main
      ? resumedModel.model
      : undefined;
  if (restoreModel) session.setModel(restoreModel);

  const inbox = new Inbox();
  let shuttingDown = false;
  let running = false;
  const submit = (op: Operation): void => {
    recorder?.operation(op);
    switch (op.type) {
      case 'user_message':
        if (!shuttingDown)
          inbox.put({
            type: 'message',
            text: op.text,
            content: expandMentions(op.text, mentionContext, (message) => emit({ type: 'notice', message })),
          });
        break;
      case 'approval':
        approvals.get(op.id)?.({ decision: op.decision, ...(op.note && { note: op.note }) });
        break;
      case 'interrupt': {
        if (!running) break;
        current.abort(new Error('interrupted by the user'));
        const unsent = inbox.takeMessages().map((message) => message.text);
        if (unsent.length > 0) emit({ type: 'unsent', texts: unsent });
        break;
      }
      case 'compact':
        // Between turns it happens at once; during one, before the turn's next model call.
        if (running) session.requestCompaction();
        else if (!shuttingDown) inbox.put({ type: 'compact' });
        break;
      case 'set_model':
        session.setModel(op.model);
        emit({ type: 'model_changed', model: op.model });
        break;
      case 'set_mode':
        permissions.setMode(op.mode);
        break;
      case 'undo':
      case 'rewind':
        if (!shuttingDown) inbox.put({ type: 'restore', op });
        break;
      case 'clear':
        if (running) current.abort(new Error('the conversation was cleared'));
        inbox.put({ type: 'clear' });
        break;
      case 'shutdown':
        if (shuttingDown) break;
        shuttingDown = true;
        current.abort(new Error(op.reason ?? 'the session is shutting down'));
        inbox.put({ type: 'shutdown' });
        break;
    }
  };

  /** The user's /compact between turns: interruptible like a turn, and recorded once done (at `idle`). */
  const compactNow = async (): Promise<void> => {
    current = new AbortController();
    running = true;
    emit({ type: 'notice', message: 'compacting the conversation…' });
    try {
      await session.compactNow();
    } catch (error) {
      if (current.signal.aborted) emit({ type: 'notice', message: 'compaction interrupted' });
      else
        emit({
          type: 'error',
          message: `compaction failed: ${error instanceof Error ? error.message : String(error)}`,
        });
    }
    running = false;
    emit({ type: 'idle', status: 'success', text: '' });
  };

  const started = performance.now();
  const loop = async (): Promise<ResultEvent> => {
    emit({
      type: 'session_start',
      session_id: id,
      cwd,
      provider: provider.name,
      model: connection.models.main,
      sandbox: sandbox.kind,
      tools: builtinTools.map((tool) => tool.name),
      permission_mode: permissions.mode,
      context_window: connection.model.contextWindow,
    });
    for (const event of indexEvents ?? []) emit(event);
    indexEvents = undefined;
    // The path went to stderr at start; an interactive session also shows it in its transcript, where it stays in view.
    if (config.interactive && debugLog.path) emit({ type: 'notice', message: `debug log: ${debugLog.path}` });
    if (config.interactive && config.resume?.history?.length)
      emit({ type: 'history', events: config.resume.history });
    if (restoreModel) emit({ type: 'model_changed', model: restoreModel });
    if (config.resume) emit({ type: 'notice', message: `Resumed session ${id}.` });
    let last: TaskOutcome | undefined;
    let stoppedMidTask = false;
    try {
      for (;;) {
        const delivery = await inbox.next();
        if (delivery.type === 'shutdown') break;
        if (delivery.type === 'clear') {
          session.clear();
          continue;
        }
        if (delivery.type === 'compact') {
          await compactNow();
          continue;
        }
        if (delivery.type === 'restore') {
          current = new AbortController();
          await runRestore(
            delivery.op,
            checkpoints,
            session,
            turnStarts,
            emit,
            config.interactive ? confirm : undefined,
          );
          continue;
        }
        current = new AbortController();
        running = true;
        await commits?.begin();
        if (checkpoints) {
          const turn = await checkpoints.begin(delivery.text);
          turnStarts.set(turn, session.state());
          emit({ type: 'user_turn', turn, text: delivery.text });
        }
        last = await session.handle(delivery, AbortSignal.any([current.signal, sandboxFailed.signal]), () =>
          inbox.takeMessages(),
        );
        await checkpoints?.end();
        await commits?.end(delivery.text);
        running = false;
        stoppedMidTask = shuttingDown && last.status === 'interrupted';
        emit({
          type: 'idle',
          status: last.status,
          text: last.text,
          ...(last.error && { error: last.error }),
        });
      }
    } finally {
      for (const outcome of await Promise.allSettled([sandbox.dispose(), retriever.dispose()])) {
        // The session's result stands; a failed clean-up is only reported.
        if (outcome.status === 'rejected')
          emit({ type: 'notice', message: `clean-up failed: ${String(outcome.reason)}` });
      }
    }
    const state = session.state();
    const status = stoppedMidTask ? 'interrupted' : (last?.status ?? 'success');
    const result: ResultEvent = {
      type: 'result',
      status,
      is_error: status !== 'success',
      turns: state.turns,
      duration_ms: Math.round(performance.now() - started),
      session_id: id,
      usage: toUsageReport(state.usage, state.costUsd),
      text: last?.text ?? '',
      ...(last?.error && status !== 'success' && { error: last.error }),
    };
    emit(result);
    await claim?.release();
    return result;
  };

  // Started once the caller, resuming from `await createAgent()`, has had the chance to subscribe.
  const done = new Promise<void>((resolve) => setImmediate(resolve)).then(loop);
  return {
    id,
    submit,
    subscribe: (listener) => bus.subscribe(listener),
    done,
    abandon: async () => {
      shuttingDown = true;
      current.abort(new Error('the session was abandoned'));
      await sandbox.dispose();
    },
  };
}

async function createSandbox(
  config: AgentConfig,
  cwd: string,
  sessionId: string,
  emit: EventSink,
): Promise<Sandbox> {
  if (config.sandbox.kind === 'none') {
    const { HostSandbox } = await import('../sandbox/host.js');
    return new HostSandbox(cwd);
  }
  const { createDockerSandbox } = await import('../sandbox/docker.js');
  return createDockerSandbox({
    ...config.sandbox.options,
    workspace: cwd,
    // One id names the session in the event stream and labels its container.
    sessionId,
    // The harness's own files are never the sandbox's to read or change, should they lie in the workspace.
    harnessDirs: [defaultCacheDir(), stateDir(), path.dirname(configPath(process.env))],
    onSetupOutput: (chunk) => emit({ type: 'setup_output', chunk }),
    onNotice: (message) => emit({ type: 'notice', message }),
  });
}
