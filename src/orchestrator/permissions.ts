import { randomUUID } from 'node:crypto';
import type { ApprovalAction, EventSink, PermissionMode } from '../core/events.js';
import { commandRules } from './command-rules.js';

/** The user's answer to one approval request. */
export interface ApprovalAnswer {
  decision: 'yes' | 'no' | 'always';
  /** Passed on to the model with a refusal (or an approval): "use pnpm instead". */
  note?: string;
}

/** Asks the user and waits for the answer; absent in print mode, which never asks. */
export type Asker = (id: string, signal: AbortSignal) => Promise<ApprovalAnswer>;

export interface PermissionCheck {
  action: ApprovalAction;
  title: string;
  /** The diff or the command shown with the question; computed only when someone is asked. */
  detail: () => Promise<string>;
  callId?: string;
}

export type PermissionOutcome = { approved: true; note?: string } | { approved: false; message: string };

type Rule = 'allow' | 'ask' | 'deny';

/**
 * The policy of each mode, one row per mode. `command` is a command in the
 * sandbox, `host` one on this machine (--sandbox none), `network` a sandboxed
 * command that needs the network.
 */
const POLICY: Record<PermissionMode, Record<ApprovalAction, Rule>> = {
  plan: { edit: 'deny', command: 'deny', network: 'deny', host: 'deny' },
  ask: { edit: 'ask', command: 'ask', network: 'ask', host: 'ask' },
  'auto-edit': { edit: 'allow', command: 'allow', network: 'ask', host: 'ask' },
  yolo: { edit: 'allow', command: 'allow', network: 'allow', host: 'allow' },
};

export const PERMISSION_MODES = Object.keys(POLICY) as PermissionMode[];

/**
 * The permission step of the tool-call pipeline: decides by the mode's policy,
 * asks the user where it says so (interactive sessions), and remembers
 * "always" answers for the rest of the session — per tool action for edits, per
 * command rule (`npm test`, see commandRules) for commands.
 */
export class Permissions {
  private modeNow: PermissionMode;
  private readonly always = new Set<string>();

  constructor(
    mode: PermissionMode,
    private readonly emit: EventSink,
    private readonly ask?: Asker,
  ) {
    this.modeNow = mode;
  }

  get mode(): PermissionMode {
    return this.modeNow;
  }

  setMode(mode: PermissionMode): void {
    if (mode === this.modeNow) return;
    this.modeNow = mode;
    this.emit({ type: 'mode_changed', mode });
  }

  async check(request: PermissionCheck, signal: AbortSignal): Promise<PermissionOutcome> {
    const rule = POLICY[this.modeNow][request.action];
    if (rule === 'allow') return { approved: true };
    const id = randomUUID();
    if (rule === 'deny' || !this.ask) {
      this.emit({ type: 'approval_result', id, approved: false, scope: 'once', by: 'policy' });
      return { approved: false, message: refusalByPolicy(this.modeNow, request.action, Boolean(this.ask)) };
    }
    const detail = await request.detail();
    const keys = await alwaysKeys(request.action, detail);
    if (keys.every((key) => this.always.has(key))) return { approved: true };
    // Waiting starts before the question goes out: a front end may answer from inside the event.
    const pending = this.ask(id, signal);
    this.emit({
      type: 'approval_request',
      id,
      ...(request.callId && { call_id: request.callId }),
      action: request.action,
      title: request.title,
      detail,
    });
    let answer: ApprovalAnswer;
    try {
      answer = await pending;
    } catch {
      answer = { decision: 'no', note: 'the session was interrupted before the user answered' };
    }
    const approved = answer.decision !== 'no';
    if (answer.decision === 'always') for (const key of keys) this.always.add(key);
    this.emit({
      type: 'approval_result',
      id,
      approved,
      scope: answer.decision === 'always' ? 'session' : 'once',
      by: 'user',
      ...(answer.note && { note: answer.note }),
    });
    if (approved) return { approved: true, ...(answer.note && { note: answer.note }) };
    const note = answer.note ? ` The user's note: "${answer.note}".` : '';
    return {
      approved: false,
      message: `The user declined this ${describeAction(request.action)}.${note} Do not retry it unchanged; ask or take another way.`,
    };
  }
}

/** What "always" covers: all edits, or the commands of a command line (see commandRules). */
async function alwaysKeys(action: ApprovalAction, detail: string): Promise<string[]> {
  if (action === 'edit') return ['edit'];
  return (await commandRules(detail)).map((rule) => `${action}:${rule}`);
}

function describeAction(action: ApprovalAction): string {
  switch (action) {
    case 'edit':
      return 'file change';
    case 'command':
      return 'command';
    case 'network':
      return 'network access';
    case 'host':
      return 'command on the host';
  }
}

function refusalByPolicy(mode: PermissionMode, action: ApprovalAction, interactive: boolean): string {
  if (mode === 'plan')
    return `Not run: the session is in plan mode, where nothing is changed or executed. Describe the ${describeAction(action)} you propose instead.`;
  if (!interactive) {
    const flag = action === 'network' ? '--allow-network or ' : '';
    return (
      `Not run: this ${describeAction(action)} needs the user's approval, and print mode never asks ` +
      `(the user can allow it with ${flag}--permission-mode yolo). Continue without it.`
    );
  }
  return `Not run: ${describeAction(action)} is not allowed in ${mode} mode.`;
}
