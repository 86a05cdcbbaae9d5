import type { AssistantMessage, Message } from '../core/messages.js';
import type { EventSink, ResultStatus } from '../core/events.js';
import { addUsage, emptyUsage, toUsageReport, type Usage } from '../core/usage.js';
import { costOf, type Price } from '../providers/prices.js';
import { ProviderError, type ModelResponse, type Provider, type ToolSpec } from '../providers/provider.js';
import type { Retriever } from '../context/retrieval/retriever.js';
import type { ToolRegistry } from '../../tools/registry.js';
import type { Workspace } from '../../tools/workspace.js';
import type { Sandbox } from '../sandbox/sandbox.js';
import type { Visibility } from '../fs/visibility/policy.js';
import { ToolPipeline } from './tool-pipeline.js';
import { pickModel, type ModelChoice } from './model-router.js';
import { PromptCaches } from './prompt-caches.js';
import type { Permissions } from './permissions.js';
import type { ContextKeeper, PromptState } from './context-keeper.js';

export interface SessionOptions {
  workspace: Workspace;
  /** Which files the tools show the model, with the user's allowances. */
  visibility?: Visibility;
  /** May still be in the making (the repo map waits for the index) while the sandbox starts. */
  system: string | Promise<string>;
  provider: Provider;
  models: ModelChoice;
  /** A model's price (the configuration's or the built-in table's); undefined when unknown. */
  price?: (model: string) => Price | undefined;
  /** Dollars the session may spend: it stops before a turn that would go over. */
  maxBudgetUsd?: number;
  /** Model turns allowed for one user message. */
  maxTurns: number;
  maxOutputTokens: number;
  sandbox: Sandbox;
  tools: ToolRegistry;
  permissions: Permissions;
  emit: EventSink;
  /** Keeps the prompt inside the window; without it the conversation is sent as it grows. */
  context?: ContextKeeper;
  /** Offered to tools that search the code index (symbols, codebase_search). */
  retriever?: Retriever;
  /**
   * Rebuilds the system prompt after a compaction (the repo map re-ranked for
   * where the work is now, over files as they are now). Compaction already
   * rewrote the prompt, so this costs no cache hits that were not lost anyway.
   */
  refreshSystem?: (focus: SystemFocus) => Promise<string>;
  /** A saved conversation to continue: sent on exactly as it was, system prompt included. */
  restored?: ConversationState;
  /** Runs before every tool call that may change files (src/checkpoints takes the turn's snapshot). */
  beforeChange?: () => Promise<void>;
}

export interface SystemFocus {
  /** The user's messages and the most recent conversation. */
  text: string;
  /** Files read or edited so far. */
  files: string[];
}

/** A message from the user: as typed (shown and echoed), and as the model gets it (mentioned files inlined). */
export interface UserInput {
  text: string;
  content: string | Promise<string>;
}

/** How one user message was handled. */
export interface TaskOutcome {
  status: ResultStatus;
  /** The model's last non-empty answer. */
  text: string;
  error?: string;
}

/** The conversation as one value: what a saved session needs to continue exactly where it stopped. */
export interface ConversationState {
  messages: Message[];
  usage: Usage;
  /** Dollars so far; undefined once a call used a model whose price is unknown. */
  costUsd?: number;
  /** Model turns over the whole conversation. */
  turns: number;
  /** The system prompt as sent (empty before the first model call). */
  system: string;
}

/** How much of the recent conversation steers the refreshed repo map. */
const FOCUS_CHARS = 4000;

/** How often a session nudges a model that stopped with a cut-off or empty reply, per user message. */
const MAX_NUDGES = 2;

/** Times in a row the provider may reject the prompt as too long before the session gives up. */
const MAX_OVERFLOW_RETRIES = 3;

/**
 * The ReAct loop over one conversation that lives across user messages: ask
 * the model, run the tools it calls, feed the results back, repeat until it
 * answers without calls or the turn budget for this message is spent. Messages
 * the user sends meanwhile join at the next turn boundary. Everything
 * observable goes out through `emit`.
 */
export class Session {
  private messages: Message[] = [];
  /** Said to the model with the next user message (see note). */
  private notes: string[] = [];
  private readonly toolSpecs: ToolSpec[];
  private readonly pipeline: ToolPipeline;
  private system = '';
  private total: Usage = emptyUsage();
  /** Dollars so far; null once a call used a model whose price is unknown. */
  private cost: number | null = 0;
  /** Dollars this process spent: what --max-budget-usd limits (a resumed session's earlier runs had their own). */
  private spent: number | null = 0;
  /** What each model has cached: the router's and the budget's estimates of the next calls. */
  private readonly caches: PromptCaches;
  private turns = 0;
  private mainModel: string;
  /** The signal of the message being handled; tools get it through their context. */
  private signal: AbortSignal = new AbortController().signal;

  constructor(private readonly options: SessionOptions) {
    this.toolSpecs = options.tools.specs();
    this.mainModel = options.models.main;
    this.caches = new PromptCaches((model) => options.price?.(model));
    if (options.restored) {
      const { messages, usage, costUsd, turns, system } = options.restored;
      this.messages = [...messages];
      this.total = usage;
      this.cost = costUsd ?? null;
      this.turns = turns;
      this.system = system;
    }
    this.pipeline = new ToolPipeline(
      options.tools,
      options.permissions,
      (_call, { onOutput, requestPermission }) => ({
        workspace: options.workspace,
        sandbox: options.sandbox,
        signal: this.signal,
        onOutput,
        requestPermission,
        ...(options.visibility && { visibility: options.visibility }),
        ...(options.retriever && { retriever: options.retriever }),
      }),
      options.emit,
      options.beforeChange,
    );
  }

  get model(): string {
    return this.mainModel;
  }

  /** The model for the next calls (the fast model, if any, stays). */
  setModel(model: string): void {
    this.mainModel = model;
  }

  /** Compact the conversation before the next model call (the user's /compact while a turn runs). */
  requestCompaction(): void {
    this.options.context?.requestCompaction();
  }

  /** Compact the conversation now (the user's /compact between turns). */
  async compactNow(): Promise<void> {
    const { context } = this.options;
    if (context) await this.adopt(await context.compactNow(this.promptState()));
  }

  /** Starts a new conversation; the workspace, sandbox and settings stay. */
  clear(): void {
    this.messages = [];
  }

  /** Tells the model something with the user's next message (files undone under it, say). */
  note(text: string): void {
    this.notes.push(text);
  }

  /** Goes back to an earlier conversation (a rewind); the tokens and dollars spent since stay counted. */
  rewind(to: ConversationState): void {
    this.messages = [...to.messages];
    this.system = to.system;
  }

  state(): ConversationState {
    return {
      messages: [...this.messages],
      usage: this.total,
      turns: this.turns,
      system: this.system,
      ...(this.cost !== null && { costUsd: this.cost }),
    };
  }

  /**
   * Handles one user message (and any that arrive meanwhile, taken from
   * `incoming` at each turn boundary) until the model answers without tool
   * calls. Never throws: failures end the message with an error outcome.
   */
  async handle(message: UserInput, signal: AbortSignal, incoming: () => UserInput[]): Promise<TaskOutcome> {
    const { emit } = this.options;
    this.signal = signal;
    let text = '';
    let nudges = 0;
    try {
      await this.addUserMessage(message);
      this.system ||= await this.options.system;
      for (let turn = 0; turn < this.options.maxTurns; turn++) {
        if (turn > 0) for (const queued of incoming()) await this.addUserMessage(queued);
        const response = await this.modelTurn(signal);
        const assistant: AssistantMessage = {
          role: 'assistant',
          content: response.text,
          toolCalls: response.toolCalls,
          ...(response.reasoning?.length && { reasoning: response.reasoning }),
        };
        this.messages.push(assistant);
        emit({ type: 'assistant_message', text: response.text, tool_calls: response.toolCalls });
        if (response.text.trim()) text = response.text;
        if (response.toolCalls.length === 0) {
          const waiting = incoming();
          // The user spoke while the model was answering: the answer is not the end.
          if (waiting.length > 0) {
            emit({ type: 'turn_end', turn: this.turns });
            for (const queued of waiting) await this.addUserMessage(queued);
            continue;
          }
          const nudge = nudges < MAX_NUDGES ? nudgeFor(response) : null;
          emit({ type: 'turn_end', turn: this.turns });
          if (!nudge) return { status: 'success', text };
          nudges++;
          emit({ type: 'notice', message: nudge });
          this.messages.push({ role: 'user', content: nudge });
          continue;
        }
        this.messages.push(...(await this.pipeline.run(response.toolCalls, signal)));
        emit({ type: 'turn_end', turn: this.turns });
        // A sandbox that failed under a tool call is the run's error, said below, not an interrupt.
        if (signal.reason instanceof SandboxFailure) throw signal.reason;
        if (signal.aborted) return interrupted(text, signal);
      }
      return {
        status: 'max_turns',
        text,
        error: `stopped after reaching the limit of ${this.options.maxTurns} model turn${this.options.maxTurns === 1 ? '' : 's'}`,
      };
    } catch (error) {
      if (error instanceof BudgetExceeded) return { status: 'budget', text, error: error.message };
      if (signal.aborted && !(signal.reason instanceof SandboxFailure)) return interrupted(text, signal);
      const cause: unknown = signal.reason instanceof SandboxFailure ? signal.reason.cause : error;
      const messageText = cause instanceof Error ? cause.message : String(cause);
      emit({ type: 'error', message: messageText });
      return { status: 'error', text, error: messageText };
    }
  }

  private async addUserMessage(message: UserInput): Promise<void> {
    const notes = this.notes.splice(0);
    const content = await message.content;
    this.messages.push({
      role: 'user',
      content: notes.length ? `${notes.join('\n')}\n\n${content}` : content,
    });
    this.options.emit({ type: 'user_message', text: message.text });
  }

  /** One model call, fitted to the context window, compacting and retrying if the provider finds it too long. */
  private async modelTurn(signal: AbortSignal): Promise<ModelResponse> {
    const { emit, context } = this.options;
    const promptTokens = context?.count(this.promptState()) ?? 0;
    const { model, reason } = pickModel(
      { ...this.options.models, main: this.mainModel },
      this.messages,
      promptTokens,
      (tool) => this.options.tools.kindOf(tool),
      (candidate, steps) => this.caches.cost(candidate, this.promptState(), promptTokens, steps),
    );
    emit({ type: 'route', model, reason });
    this.checkBudget(model, promptTokens);
    this.turns++;
    emit({ type: 'turn_start', turn: this.turns, model });
    if (context) await this.adopt(await context.beforeTurn(this.promptState()));
    for (let overflow = 0; ; overflow++) {
      const estimated = context?.count(this.promptState()) ?? 0;
      try {
        const response = await this.options.provider.complete(
          {
            model,
            system: this.system,
            messages: this.messages,
            tools: this.toolSpecs,
            maxOutputTokens: this.options.maxOutputTokens,
            signal,
          },
          {
            onTextDelta: (text) => {
              this.startSandbox();
              emit({ type: 'assistant_delta', text });
            },
            onThinkingDelta: (text) => {
              this.startSandbox();
              emit({ type: 'thinking_delta', text });
            },
            onWarning: (message) => emit({ type: 'notice', message }),
          },
        );
        this.startSandbox();
        context?.calibrate(estimated, response.usage.inputTokens);
        this.caches.record(response.model ?? model, this.promptState(), response.usage);
        this.account(response.model ?? model, response.usage);
        return response;
      } catch (error) {
        const tooLong = error instanceof ProviderError && error.kind === 'context_length';
        if (!tooLong || !context || overflow >= MAX_OVERFLOW_RETRIES) throw error;
        emit({
          type: 'notice',
          message: 'The provider reported the prompt as too long; compacting and retrying.',
        });
        await this.adopt(await context.afterOverflow(this.promptState()));
      }
    }
  }

  /** A compaction summary's call: it costs like a turn, but says nothing about the prompt the next turn sends. */
  recordSummaryUsage(model: string, usage: Usage): void {
    this.account(model, usage, true);
  }

  /** Adds a call's tokens and dollars to the totals and reports both. */
  private account(model: string, usage: Usage, summary = false): void {
    const price = this.options.price?.(model);
    const turnCost = price && costOf(price, usage);
    this.cost = this.cost === null || turnCost === undefined ? null : this.cost + turnCost;
    this.spent = this.spent === null || turnCost === undefined ? null : this.spent + turnCost;
    this.total = addUsage(this.total, usage);
    this.options.emit({
      type: 'usage',
      ...(summary && { summary }),
      turn: toUsageReport(usage, turnCost),
      total: toUsageReport(this.total, this.cost ?? undefined),
    });
  }

  /** Refuses the next turn when what it would likely cost takes the session over its budget. */
  private checkBudget(model: string, promptTokens: number): void {
    const budget = this.options.maxBudgetUsd;
    if (budget === undefined) return;
    const price = this.options.price?.(model);
    const spent = this.spent ?? 0;
    if (!price || this.spent === null)
      throw new BudgetExceeded(`the price of ${model} is unknown, so the budget cannot be kept`);
    const next = this.caches.cost(model, this.promptState(), promptTokens) ?? 0;
    if (spent + next > budget)
      throw new BudgetExceeded(
        `stopped before turn ${this.turns + 1}: it would cost about ${dollars(next)} on top of ${dollars(spent)} spent, over the budget of ${dollars(budget)}`,
      );
  }

  /**
   * The sandbox starts once the model is answering: set up earlier, it would
   * compete with the first request on this thread; by then the request is out,
   * and the container comes up while the model still writes (a command would
   * start it anyway). Idempotent; failures surface through the sandbox.
   */
  private startSandbox(): void {
    void this.options.sandbox.start().catch(() => undefined);
  }

  private promptState(): PromptState {
    return { system: this.system, messages: this.messages, tools: this.toolSpecs };
  }

  /** Takes the compacted conversation, if compaction produced one, and refreshes the system prompt with it. */
  private async adopt(next: Message[]): Promise<void> {
    if (next === this.messages) return;
    this.messages.splice(0, this.messages.length, ...next);
    if (!this.options.refreshSystem) return;
    const asked = this.messages.flatMap((m) => (m.role === 'user' ? [m.content] : [])).join('\n');
    const recent = this.messages
      .map((m) => m.content)
      .join('\n')
      .slice(-FOCUS_CHARS);
    this.system = await this.options.refreshSystem({
      text: `${asked.slice(0, FOCUS_CHARS)}\n${recent}`,
      files: this.options.workspace.filesRead(),
    });
  }
}

/** Why a message's signal was aborted when the sandbox could not start: an error, not an interrupt. */
export class SandboxFailure extends Error {
  override name = 'SandboxFailure';
  constructor(override readonly cause: Error) {
    super(cause.message);
  }
}

/** The next turn would take the session over --max-budget-usd. */
class BudgetExceeded extends Error {
  override name = 'BudgetExceeded';
}

const dollars = (amount: number): string => `$${amount.toFixed(4)}`;

/** The work stopped: why is the abort's reason (the user's interrupt, a SIGTERM, a /clear). */
function interrupted(text: string, signal: AbortSignal): TaskOutcome {
  const reason: unknown = signal.reason;
  return { status: 'interrupted', text, error: reason instanceof Error ? reason.message : 'interrupted' };
}

/**
 * A reply that ends the work must be a real answer. One cut off by the output
 * limit, or an empty one, gets a short nudge instead (a bounded number of
 * times, so a model that keeps doing it still ends).
 */
function nudgeFor(response: ModelResponse): string | null {
  if (response.stopReason === 'max_tokens')
    return 'Your reply was cut off at the output limit. Continue exactly where it stopped; keep it shorter.';
  if (response.text.trim() === '')
    return 'Your reply was empty. Continue with the task, or state the result if it is done.';
  return null;
}
