import { format } from 'node:util';
import { debugLog } from '../core/debug-log.js';

type LogFn = (message: string, ...rest: unknown[]) => void;

/**
 * The SDKs' `logger` option: what they log goes to the debug log (--debug),
 * never straight to stderr, where it would break the TUI's screen and print
 * mode's output.
 */
export const sdkLogger: Record<'error' | 'warn' | 'info' | 'debug', LogFn> = {
  error: (...args) => debugLog.record({ type: 'sdk', level: 'error', message: format(...args) }),
  warn: (...args) => debugLog.record({ type: 'sdk', level: 'warn', message: format(...args) }),
  info: (...args) => debugLog.record({ type: 'sdk', level: 'info', message: format(...args) }),
  debug: (...args) => debugLog.record({ type: 'sdk', level: 'debug', message: format(...args) }),
};

/**
 * Runs `call` (synchronous: the start of an SDK request) with `console.warn`
 * going to `onWarning`. The Anthropic SDK warns of a deprecated model with
 * `console.warn` at the start of `messages.create`, bypassing its logger.
 */
export function withSdkWarnings<T>(call: () => T, onWarning: (message: string) => void): T {
  const original = console.warn;
  console.warn = (...args: unknown[]) => onWarning(format(...args));
  try {
    return call();
  } finally {
    console.warn = original;
  }
}
