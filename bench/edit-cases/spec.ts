/** One hand-written edit case: the file, the model's call, and the whole file expected after it (null: refuse). */
export type Spec = [
  id: string,
  path: string,
  content: string,
  oldString: string,
  newString: string,
  expected: string | null,
  replaceAll?: boolean,
];

/** Cases of one source, grouped by the class of situation they exercise. */
export type SourceCases = Partial<Record<OutsideCategory, Spec[]>>;

/** The classes of situation, in the order the bench reports them. */
export const OUTSIDE_CATEGORIES = [
  'token-boundary',
  'block-structure',
  'rewrapped',
  'indent-units',
  'typography',
  'no-op',
  'syntax-gate',
  'exact-unique',
  'ambiguous',
  'replace-all',
  'whitespace-drift',
  'line-endings',
  'escaping',
  'line-numbers',
  'blank-lines',
  'partial-lines',
  'delete-insert',
  'elision-fences',
  'structured-files',
  'unicode',
  'stale-content',
] as const;

export type OutsideCategory = (typeof OUTSIDE_CATEGORIES)[number];

/** A file of these lines, each ending in a newline. */
export const lines = (...parts: string[]): string => `${parts.join('\n')}\n`;
