import type { Operation } from '../runtime/protocol.js';
import { formatCost, formatTokens, percentOf } from './format.js';
import { isPermissionMode, PERMISSION_MODES } from './modes.js';
import type { TuiServices } from './services.js';
import type { LocalItem, SessionStatus } from './transcript-state.js';

/** What a slash command may do: talk to the session, print to the transcript, end the UI. */
export interface CommandContext {
  status: SessionStatus;
  services: TuiServices;
  submit(op: Operation): void;
  print(item: LocalItem): void;
  exit(): void;
}

interface SlashCommand {
  name: string;
  /** Shown in /help after the name, e.g. `<model id>`. */
  args?: string;
  summary: string;
  run(arg: string, context: CommandContext): void | Promise<void>;
}

const info = (text: string): LocalItem => ({ kind: 'notice', tone: 'info', text });

/** The keys, documented once here and shown by /help. */
const KEYS = [
  'Enter send · Ctrl-J, Alt-Enter or \\ then Enter: new line · ↑/↓ history',
  'Tab complete /commands and @files · Esc interrupt the agent · Shift-Tab cycle ask/auto-edit/plan',
  'Ctrl-C clear the prompt; twice on an empty prompt: exit',
];

/** One entry per command; Tab completion and /help read this list. */
export const COMMANDS: readonly SlashCommand[] = [
  {
    name: 'help',
    summary: 'list the commands and keys',
    run: (_arg, { print }) =>
      print(
        info(
          [
            ...COMMANDS.map((c) => `/${c.name}${c.args ? ` ${c.args}` : ''}  ${c.summary}`),
            '@path mentions a file: its content goes to the model',
            ...KEYS,
          ].join('\n'),
        ),
      ),
  },
  {
    name: 'model',
    args: '<model id>',
    summary: 'use another model from the next call on',
    run: (arg, { status, submit, print }) =>
      arg ? submit({ type: 'set_model', model: arg }) : print(info(`model: ${status.model}`)),
  },
  {
    name: 'mode',
    args: `<${PERMISSION_MODES.join('|')}>`,
    summary: 'what may run without asking',
    run: (arg, { status, submit, print }) => {
      if (isPermissionMode(arg)) submit({ type: 'set_mode', mode: arg });
      else print(info(`mode: ${status.mode} (choose one of ${PERMISSION_MODES.join(', ')})`));
    },
  },
  {
    name: 'compact',
    summary: 'summarise the conversation to free context',
    run: (_arg, { submit }) => submit({ type: 'compact' }),
  },
  {
    name: 'clear',
    summary: 'start a new conversation (same sandbox)',
    run: (_arg, { submit, print }) => {
      submit({ type: 'clear' });
      print(info('— new conversation —'));
    },
  },
  {
    name: 'usage',
    summary: 'tokens, cache hits, context and cost so far',
    run: (_arg, { status, print }) => {
      const { total } = status;
      print(
        info(
          [
            `tokens: ${formatTokens(total.input_tokens)} in, ${formatTokens(total.output_tokens)} out`,
            `cache: ${formatTokens(total.cache_read_tokens)} read (${percentOf(total.cache_read_tokens, total.input_tokens)} of input), ${formatTokens(total.cache_write_tokens)} written`,
            `context: ${formatTokens(status.contextUsed)} of ${formatTokens(status.contextWindow)} (${percentOf(status.contextUsed, status.contextWindow)})`,
            `cost: ${formatCost(status.cost)}`,
          ].join('\n'),
        ),
      );
    },
  },
  {
    name: 'diff',
    summary: 'what this session changed',
    run: async (_arg, { services, print }) => {
      let diff: string;
      try {
        diff = await services.sessionDiff();
      } catch (error) {
        print({ kind: 'notice', tone: 'warn', text: (error as Error).message });
        return;
      }
      print(
        diff.trim()
          ? { kind: 'diff', title: 'changes since the session began', diff }
          : info('no changes yet'),
      );
    },
  },
  { name: 'exit', summary: 'end the session', run: (_arg, { exit }) => exit() },
];

/**
 * A prompt is a command when its first word looks like one (`/name`); a path
 * such as `/usr/bin is missing` is a message. Returns undefined for messages,
 * and `command: undefined` for a command that does not exist.
 */
export function parseCommand(
  text: string,
): { name: string; arg: string; command?: SlashCommand } | undefined {
  const match = /^\/([\w-]+)(?:\s+([\s\S]*))?$/.exec(text.trim());
  if (!match) return undefined;
  const name = match[1]!;
  return { name, arg: (match[2] ?? '').trim(), command: COMMANDS.find((c) => c.name === name) };
}
