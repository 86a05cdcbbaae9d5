/**
 * How many bytes each purpose reads of one file, in one table so the limits
 * can be compared and changed together. Files above a limit are refused or
 * skipped, never read in part.
 */
export const SIZE_LIMITS = {
  /** The read tool; beyond this the model is told to use search or head/sed. */
  read: 50 * 1024 * 1024,
  /** The pure-Node search; larger files are skipped as generated or data files. */
  search: 10 * 1024 * 1024,
  /** The code index; larger files are tracked but never read or parsed. */
  index: 1024 * 1024,
  /** One .gitignore or .agentignore; a larger one is not read at all (a link to /dev/zero must not fill memory). */
  ruleFile: 256 * 1024,
} as const;

/**
 * Rules applied from one rule file, and along one chain of nested rule files.
 * Every path is tested against every rule in force, so the rule count bounds
 * the cost of a walk: 50,000 rules made `list` of 1,000 files take 30 s.
 */
export const RULE_LIMITS = { perFile: 1_000, perChain: 5_000 } as const;

/**
 * Directory levels below the root that walks (list, search, the index) go
 * into; deeper directories are left out. A command can nest thousands of
 * levels in seconds, and 2,000 overflowed the stack of every recursive walker.
 */
export const MAX_WALK_DEPTH = 128;
