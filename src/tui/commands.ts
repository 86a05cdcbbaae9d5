import type { Operation, RewindScope } from '../runtime/protocol.js';
import { formatCost, formatTokens, percentOf } from './format.js';
import { isPermissionMode, PERMISSION_MODES } from './modes.js';
import type { TuiServices } from './services.js';
import type { LocalItem, SessionStatus, TuiState } from './transcript-state.js';

/** What a slash command may do: talk to the session, print to the transcript, end the UI. */
export interface CommandContext {
  status: SessionStatus;
  /** The session's turns so far, for /rewind. */
  turns: TuiState['turns'];
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

const REWIND_SCOPES: readonly RewindScope[] = ['files', 'conversation', 'both'];

const info = (text: string): LocalItem => ({ kind: 'notice', tone: 'info', text });

/** The keys, documented once here and shown by /help. */
const KEYS = [
  'Enter send · Ctrl-J, Alt-Enter or \\ then Enter: new line · ↑/↓ history',
  'Tab complete /commands and @files · Esc interrupt the agent (queued messages come back here) · Shift-Tab cycle ask/auto-edit/plan',
  'Ctrl-A/Ctrl-E start/end of line · Ctrl-U/Ctrl-K delete to its start/end · Ctrl-W delete the word before',
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
    run: (arg, { status, submit, print }) => {
      if (!arg) return print(info(`model: ${status.model}`));
      submit({ type: 'set_model', model: arg });
      print(info(`model: ${arg} from the next call on`));
    },
  },
  {
    name: 'mode',
    args: `<${PERMISSION_MODES.join('|')}>`,
    summary: 'what may run without asking',
    run: (arg, { status, submit, print }) => {
      const choices = `choose one of ${PERMISSION_MODES.join(', ')}`;
      if (isPermissionMode(arg)) {
        submit({ type: 'set_mode', mode: arg });
        print(info(`mode: ${arg}`));
      } else if (arg) print(info(`no mode "${arg}": ${choices} (now ${status.mode})`));
      else print(info(`mode: ${status.mode} (${choices})`));
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
  {
    name: 'undo',
    args: '[turns]',
    summary:
      'put the files back as before the last turn (or the last n); asks before overwriting your own changes',
    run: (arg, { submit, print }) => {
      const turns = arg ? Number(arg) : 1;
      if (!Number.isInteger(turns) || turns < 1) print(info('/undo takes a number of turns, e.g. /undo 2'));
      else submit({ type: 'undo', turns });
    },
  },
  {
    name: 'rewind',
    args: '[turn] [files|conversation|both]',
    summary: 'go back to before an earlier turn: its files, the conversation, or both (lists the turns)',
    run: (arg, { turns, submit, print }) => {
      const [turnText, scopeText = 'both'] = arg.split(/\s+/);
      const turn = Number(turnText);
      const scope = REWIND_SCOPES.find((s) => s === scopeText);
      if (!turnText || !Number.isInteger(turn) || !scope || !turns.some((t) => t.turn === turn)) {
        const list = turns.map(
          (t) => `${String(t.turn).padStart(3)}  ${t.text.split('\n', 1)[0]!.slice(0, 70)}`,
        );
        print(
          info(
            list.length === 0
              ? 'no turns yet'
              : [...list, 'choose: /rewind <turn> [files|conversation|both] (default both)'].join('\n'),
          ),
        );
        return;
      }
      submit({ type: 'rewind', turn, scope });
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
