import { randomUUID } from 'node:crypto';
import type { AssistantMessage, Message } from '../core/messages.js';
import type { EventSink, ResultEvent, ResultStatus } from '../core/events.js';
import { addUsage, emptyUsage, toUsageReport, type Usage } from '../core/usage.js';
import { ProviderError, type ModelResponse, type Provider, type ToolSpec } from '../providers/provider.js';
import type { Sandbox } from '../sandbox/sandbox.js';
import type { Retriever } from '../context/retrieval/retriever.js';
import type { ToolRegistry } from '../../tools/registry.js';
import type { Workspace } from '../../tools/workspace.js';
import type { Visibility } from '../fs/visibility/policy.js';
import { ToolExecutor } from './tool-executor.js';
import { pickModel, type ModelChoice } from './model-router.js';
import { ReadyGate } from './ready-gate.js';
import type { ContextKeeper, PromptState } from './context-keeper.js';

export interface SessionOptions {
  task: string;
  workspace: Workspace;
  /** Which files the tools show the model, with the user's allowances. */
  visibility?: Visibility;
  /** May still be in the making (the repo map waits for the index) while the sandbox starts. */
  system: string | Promise<string>;
  provider: Provider;
  models: ModelChoice;
  maxTurns: number;
  maxOutputTokens: number;
  sandbox: Sandbox;
  tools: ToolRegistry;
  emit: EventSink;
  signal: AbortSignal;
  sessionId?: string;
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
  /** Lets the user allow network for one command that failed without it (interactive sessions only). */
  approveNetwork?: (command: string) => Promise<boolean>;
}

export interface SystemFocus {
  /** The task and the most recent conversation. */
  text: string;
  /** Files read or edited so far. */
  files: string[];
}

/** How much of the recent conversation steers the refreshed repo map. */
const FOCUS_CHARS = 4000;

/** How often a session nudges a model that stopped with a cut-off or empty reply. */
const MAX_NUDGES = 2;

/** Times in a row the provider may reject the prompt as too long before the session gives up. */
const MAX_OVERFLOW_RETRIES = 3;

/**
 * One agent session: the ReAct loop. Ask the model, run the tools it calls,
 * feed the results back, repeat until it answers without calls or the turn
 * budget is spent. Everything observable goes out through `emit`; the result
 * is both returned and the last event.
 */
export class Session {
  readonly id: string;
  private readonly messages: Message[];
  private readonly toolSpecs: ToolSpec[];
  private system = '';
  private total: Usage = emptyUsage();
  private turns = 0;
  private finalText = '';
  private nudges = 0;
  private readonly started = performance.now();

  constructor(private readonly options: SessionOptions) {
    this.id = options.sessionId ?? randomUUID();
    this.messages = [{ role: 'user', content: options.task }];
    this.toolSpecs = options.tools.specs();
  }

  /** Compact the conversation before the next model call (the user's /compact). */
  requestCompaction(): void {
    this.options.context?.requestCompaction();
  }

  async run(): Promise<ResultEvent> {
    const { emit, signal, workspace } = this.options;
    emit({
      type: 'session_start',
      session_id: this.id,
      cwd: workspace.root,
      provider: this.options.provider.name,
      model: this.options.models.main,
      sandbox: this.options.sandbox.kind,
      tools: this.options.tools.names,
    });

    // The sandbox starts while the first model call is in flight; commands wait for it.
    // If it cannot start, the session stops at once instead of carrying on without it.
    const sandboxFailed = new AbortController();
    const sandbox = new ReadyGate(this.options.sandbox, (error) => sandboxFailed.abort(error));
    const callSignal = AbortSignal.any([signal, sandboxFailed.signal]);
    const executor = new ToolExecutor(
      this.options.tools,
      (_call, onOutput) => ({
        workspace,
        ...(this.options.visibility && { visibility: this.options.visibility }),
        sandbox,
        signal,
        onOutput,
        ...(this.options.retriever && { retriever: this.options.retriever }),
        ...(this.options.approveNetwork && { approveNetwork: this.options.approveNetwork }),
      }),
      emit,
    );

    try {
      this.system = await this.options.system;
      while (this.turns < this.options.maxTurns) {
        sandbox.throwIfFailed();
        this.turns++;
        const response = await this.modelTurn(callSignal);
        const assistant: AssistantMessage = {
          role: 'assistant',
          content: response.text,
          toolCalls: response.toolCalls,
          ...(response.reasoning?.length && { reasoning: response.reasoning }),
        };
        this.messages.push(assistant);
        emit({ type: 'assistant_message', text: response.text, tool_calls: response.toolCalls });
        if (response.text.trim()) this.finalText = response.text;
        if (response.toolCalls.length === 0) {
          const nudge = this.nudgeFor(response);
          if (!nudge) return this.finish('success');
          this.messages.push({ role: 'user', content: nudge });
          continue;
        }

        this.messages.push(...(await executor.run(response.toolCalls, signal)));
        if (signal.aborted) return this.finish('interrupted', 'interrupted by the user');
      }
      return this.finish('max_turns', `stopped after reaching the limit of ${this.options.maxTurns} turns`);
    } catch (error) {
      if (signal.aborted) return this.finish('interrupted', 'interrupted by the user');
      const cause: unknown = sandboxFailed.signal.aborted ? sandboxFailed.signal.reason : error;
      const message = cause instanceof Error ? cause.message : String(cause);
      emit({ type: 'error', message });
      return this.finish('error', message);
    }
  }

  /**
   * A reply that ends the session must be a real answer. One cut off by the
   * output limit, or an empty one, gets a short nudge instead (a bounded number
   * of times, so a model that keeps doing it still ends the session).
   */
  private nudgeFor(response: ModelResponse): string | null {
    if (this.nudges >= MAX_NUDGES) return null;
    const nudge =
      response.stopReason === 'max_tokens'
        ? 'Your reply was cut off at the output limit. Continue exactly where it stopped; keep it shorter.'
        : response.text.trim() === ''
          ? 'Your reply was empty. Continue with the task, or state the result if it is done.'
          : null;
    if (nudge) {
      this.nudges++;
      this.options.emit({ type: 'notice', message: nudge });
    }
    return nudge;
  }

  /** One model call, fitted to the context window, compacting and retrying if the provider finds it too long. */
  private async modelTurn(signal: AbortSignal): Promise<ModelResponse> {
    const { emit, context } = this.options;
    const model = pickModel(this.options.models, this.messages);
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
            onTextDelta: (text) => emit({ type: 'assistant_delta', text }),
            onThinkingDelta: (text) => emit({ type: 'thinking_delta', text }),
          },
        );
        context?.calibrate(estimated, response.usage.inputTokens);
        this.total = addUsage(this.total, response.usage);
        emit({ type: 'usage', turn: toUsageReport(response.usage), total: toUsageReport(this.total) });
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

  private promptState(): PromptState {
    return { system: this.system, messages: this.messages, tools: this.toolSpecs };
  }

  /** Takes the compacted conversation, if compaction produced one, and refreshes the system prompt with it. */
  private async adopt(next: Message[]): Promise<void> {
    if (next === this.messages) return;
    this.messages.splice(0, this.messages.length, ...next);
    if (!this.options.refreshSystem) return;
    const recent = this.messages
      .map((m) => m.content)
      .join('\n')
      .slice(-FOCUS_CHARS);
    this.system = await this.options.refreshSystem({
      text: `${this.options.task}\n${recent}`,
      files: this.options.workspace.filesRead(),
    });
  }

  private finish(status: ResultStatus, error?: string): ResultEvent {
    const result: ResultEvent = {
      type: 'result',
      status,
      is_error: status !== 'success',
      turns: this.turns,
      duration_ms: Math.round(performance.now() - this.started),
      session_id: this.id,
      usage: toUsageReport(this.total),
      text: this.finalText,
      ...(error ? { error } : {}),
    };
    this.options.emit(result);
    return result;
  }
}

export const runSession = (options: SessionOptions): Promise<ResultEvent> => new Session(options).run();
