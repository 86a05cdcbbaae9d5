import type { Message } from '../../core/messages.js';

/**
 * Renders turns as plain text, for a `Summarize` implementation to send in a
 * single user message: the summarised stretch may begin with a model turn or
 * hold tool results, which providers accept only in their own positions.
 */
export function transcript(messages: readonly Message[]): string {
  return messages.map(renderMessage).join('\n\n');
}

function renderMessage(message: Message): string {
  switch (message.role) {
    case 'user':
      return `### User\n${message.content}`;
    case 'assistant': {
      const calls = message.toolCalls.map((call) => `→ ${call.name} ${call.arguments}`);
      return ['### Assistant', message.content, ...calls].filter(Boolean).join('\n');
    }
    case 'tool':
      return `### Result of ${message.name}${message.isError ? ' (error)' : ''}\n${message.content}`;
  }
}
