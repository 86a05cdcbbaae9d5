import { randomUUID } from 'node:crypto';
import type { AssistantMessage, Message } from '../core/messages.js';
import type { EventSink, ResultEvent, ResultStatus } from '../core/events.js';
import { addUsage, emptyUsage, toUsageReport, type Usage } from '../core/usage.js';
import type { Provider } from '../providers/provider.js';
import type { Sandbox } from '../sandbox/sandbox.js';
import type { ToolRegistry } from '../../tools/registry.js';
import { Workspace } from '../../tools/workspace.js';
import { ToolExecutor } from './tool-executor.js';
import { pickModel, type ModelChoice } from './model-router.js';
import { ReadyGate } from './ready-gate.js';

export interface SessionOptions {
  task: string;
  workspace: Workspace;
  system: string;
  provider: Provider;
  models: ModelChoice;
  maxTurns: number;
  maxOutputTokens: number;
  sandbox: Sandbox;
  tools: ToolRegistry;
  emit: EventSink;
  signal: AbortSignal;
  sessionId?: string;
}

/**
 * The ReAct loop: ask the model, run the tools it calls, feed the results
 * back, repeat until it answers without calls or the turn budget is spent.
 * Everything observable goes out through `emit`; the returned result is also
 * the last event.
 */
export async function runSession(options: SessionOptions): Promise<ResultEvent> {
  const { emit, signal, workspace } = options;
  const sessionId = options.sessionId ?? randomUUID();
  const started = performance.now();
  let total: Usage = emptyUsage();
  let turns = 0;
  let finalText = '';

  const finish = (status: ResultStatus, error?: string): ResultEvent => {
    const result: ResultEvent = {
      type: 'result',
      status,
      is_error: status !== 'success',
      turns,
      duration_ms: Math.round(performance.now() - started),
      session_id: sessionId,
      usage: toUsageReport(total),
      text: finalText,
      ...(error ? { error } : {}),
    };
    emit(result);
    return result;
  };

  emit({
    type: 'session_start',
    session_id: sessionId,
    cwd: workspace.root,
    provider: options.provider.name,
    model: options.models.main,
    sandbox: options.sandbox.kind,
    tools: options.tools.names,
  });

  // The sandbox starts while the first model call is in flight; commands wait for it.
  // If it cannot start, the session stops at once instead of carrying on without it.
  const sandboxFailed = new AbortController();
  const sandbox = new ReadyGate(options.sandbox, (error) => sandboxFailed.abort(error));
  const callSignal = AbortSignal.any([signal, sandboxFailed.signal]);
  const executor = new ToolExecutor(
    options.tools,
    (call) => ({
      workspace,
      sandbox,
      signal,
      onOutput: (chunk) => emit({ type: 'tool_output', id: call.id, chunk }),
    }),
    emit,
  );
  const messages: Message[] = [{ role: 'user', content: options.task }];

  try {
    while (turns < options.maxTurns) {
      sandbox.throwIfFailed();
      turns++;
      const model = pickModel(options.models, messages);
      emit({ type: 'turn_start', turn: turns, model });
      const response = await options.provider.complete(
        {
          model,
          system: options.system,
          messages,
          tools: options.tools.specs(),
          maxOutputTokens: options.maxOutputTokens,
          signal: callSignal,
        },
        { onTextDelta: (text) => emit({ type: 'assistant_delta', text }) },
      );
      total = addUsage(total, response.usage);
      emit({ type: 'usage', turn: toUsageReport(response.usage), total: toUsageReport(total) });

      const assistant: AssistantMessage = { role: 'assistant', content: response.text, toolCalls: response.toolCalls };
      messages.push(assistant);
      emit({ type: 'assistant_message', text: response.text, tool_calls: response.toolCalls });
      if (response.text.trim()) finalText = response.text;
      if (response.toolCalls.length === 0) return finish('success');

      messages.push(...(await executor.run(response.toolCalls, signal)));
      if (signal.aborted) return finish('interrupted', 'interrupted by the user');
    }
    return finish('max_turns', `stopped after reaching the limit of ${options.maxTurns} turns`);
  } catch (error) {
    if (signal.aborted) return finish('interrupted', 'interrupted by the user');
    const cause = sandboxFailed.signal.aborted ? sandboxFailed.signal.reason : error;
    const message = cause instanceof Error ? cause.message : String(cause);
    emit({ type: 'error', message });
    return finish('error', message);
  }
}
