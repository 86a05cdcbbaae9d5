/** Process exit codes, documented in the README. They follow Gemini CLI's precedent. */
export const ExitCode = {
  success: 0,
  error: 1,
  /** Bad flags, missing task, missing key or other configuration the user must fix. */
  usage: 42,
  /** --max-turns reached before the task was finished. */
  maxTurns: 53,
  /** --max-budget-usd: the next turn would have gone over the budget. */
  budget: 54,
  /** Interrupted by Ctrl-C / SIGTERM (128 + SIGINT). */
  interrupted: 130,
} as const;

/** Errors the user fixes by changing how agent is invoked or configured. */
export class UsageError extends Error {
  override name = 'UsageError';
}
