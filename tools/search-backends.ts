import { spawn } from 'node:child_process';
import { lstat } from 'node:fs/promises';
import path from 'node:path';
import { RE2JS } from 're2js';
import { FileRefused, readConfined } from '../src/fs/confined.js';
import { isBinary } from '../src/fs/visibility/binary.js';
import { SIZE_LIMITS } from '../src/fs/visibility/limits.js';
import type { Visibility } from '../src/fs/visibility/policy.js';
import { walkVisible } from '../src/fs/visibility/walk.js';
import { hostGit } from '../src/git/host-git.js';
import { ToolError } from './tool.js';

export interface SearchRequest {
  visibility: Visibility;
  /** Directory or file to search, relative to the root. */
  target: string;
  /** Whether target is one file the model named (judged as read judges it) rather than a directory. */
  targetIsFile: boolean;
  query: string;
  regex: boolean;
  ignoreCase?: boolean;
  /** How many matches to keep; all are counted. */
  limit: number;
  signal: AbortSignal;
}

export interface SearchMatch {
  path: string;
  line: number;
  text: string;
}

export interface SearchOutcome {
  matches: SearchMatch[];
  total: number;
}

/** null when the backend cannot run here (tool not installed, not a git repository). */
export type SearchBackend = (request: SearchRequest) => Promise<SearchOutcome | null>;

/**
 * Longest matched line kept, in bytes: rg cuts longer ones itself
 * (--max-columns), git grep output is cut while parsing. Only the first few
 * hundred characters are shown anyway.
 */
const MAX_LINE_BYTES = 4096;
/** A grep that has not finished by then is stopped (a rule file swapped for a FIFO mid-search blocks it). */
const PROCESS_DEADLINE_MS = 60_000;

export const ripgrep: SearchBackend = async (request) => {
  const args = [
    '--line-number',
    '--with-filename',
    '--no-heading',
    '--null',
    '--color=never',
    '--hidden',
    '--no-require-git',
    // .ignore and .rgignore are rg's alone; the policy's rules are .gitignore and .agentignore.
    '--no-ignore-dot',
    '--glob=!.git',
    '--sort=path',
    `--max-columns=${MAX_LINE_BYTES}`,
    '--max-columns-preview',
    ...(request.ignoreCase ? ['--ignore-case'] : []),
    request.regex ? '--regexp' : '--fixed-strings',
    ...(request.regex ? [request.query] : ['--regexp', request.query]),
    '--',
    request.target,
  ];
  const run = await collectMatches('rg', args, request);
  if (run === null) return null;
  // 1 means no match; 2 means an error, which only matters if nothing was found.
  if (run.code === 2 && run.outcome.total === 0) throw new ToolError(`search failed: ${run.stderr.trim()}`);
  return run.outcome;
};

export const gitGrep: SearchBackend = async (request) => {
  const git = await hostGit(request.visibility.root);
  const args = [
    ...git.args,
    'grep',
    '--line-number',
    '-I',
    '-z',
    '--no-color',
    '--no-textconv',
    '--untracked',
    '--exclude-standard',
    request.regex ? '--extended-regexp' : '--fixed-strings',
    ...(request.ignoreCase ? ['--ignore-case'] : []),
    '-e',
    request.query,
    '--',
    request.target,
  ];
  const run = await collectMatches('git', args, request, git.env);
  if (run === null || /not a git repository/i.test(run.stderr)) return null;
  if (run.code !== 0 && run.code !== 1) throw new ToolError(`search failed: ${run.stderr.trim()}`);
  return run.outcome;
};

/** Lines of a file checked between two looks at the abort signal. */
const LINES_PER_ABORT_CHECK = 10_000;

export const nodeWalk: SearchBackend = async (request) => {
  const matcher = lineMatcher(request.query, request.regex, request.ignoreCase);
  const root = request.visibility.root;
  const collector = new MatchCollector(request);
  for await (const file of walkVisible(request.visibility, path.resolve(root, request.target), {
    signal: request.signal,
  })) {
    if (file.symlink) continue;
    let content: Buffer;
    try {
      content = await readConfined(root, file.absolute, { maxBytes: SIZE_LIMITS.search });
    } catch (error) {
      if (error instanceof FileRefused) continue; // FIFOs, devices, oversized files, links out
      throw error;
    }
    if (isBinary(content)) continue;
    const lines = content.toString('utf8').split('\n');
    for (let index = 0; index < lines.length; index++) {
      if (index % LINES_PER_ABORT_CHECK === 0) request.signal.throwIfAborted();
      if (matcher(lines[index]!)) collector.add(file.relative, index + 1, lines[index]!.replace(/\r$/, ''));
    }
  }
  return collector.outcome();
};

/**
 * Literal queries use indexOf; regular expressions run on RE2 (linear time,
 * the syntax rg uses), so no pattern can freeze the thread with backtracking.
 */
function lineMatcher(query: string, regex: boolean, ignoreCase = false): (line: string) => boolean {
  if (!regex && !ignoreCase) return (line) => line.includes(query);
  let pattern: RE2JS;
  try {
    pattern = RE2JS.compile(regex ? query : RE2JS.quote(query), ignoreCase ? RE2JS.CASE_INSENSITIVE : 0);
  } catch (error) {
    throw new ToolError(`invalid regular expression: ${(error as Error).message}`);
  }
  return (line) => pattern.matcher(line).find();
}

/**
 * Keeps the first `limit` matches the policy shows and counts the rest:
 * matches in files it hides are dropped (rg and git grep know nothing of
 * .agentignore or secret files) and secret-shaped values are hidden.
 */
class MatchCollector {
  private readonly matches: SearchMatch[] = [];
  private total = 0;
  private readonly visible: (relative: string) => string | undefined;

  constructor(private readonly request: SearchRequest) {
    this.visible = request.visibility.judge(request.targetIsFile ? 'named' : 'walked');
  }

  add(file: string, line: number, text: string): void {
    if (this.visible(file) !== undefined) return;
    this.total++;
    if (this.matches.length < this.request.limit)
      this.matches.push({ path: file, line, text: this.request.visibility.redactLine(file, text) });
  }

  outcome(): SearchOutcome {
    return { matches: this.matches, total: this.total };
  }
}

/** Both rg --null and git grep -z print `path\0` and then `line:text` or `line\0text`. */
const MATCH_LINE = /^([^\0]+)\0(\d+)[:\0](.*)$/s;
const NEWLINE = 0x0a;

/**
 * Splits grep output into lines, each cut to MAX_LINE_BYTES, in time linear
 * in the output: a line's pieces are gathered and joined once, when it ends.
 */
class GrepOutputParser {
  private pieces: Buffer[] = [];
  private size = 0;

  constructor(private readonly collector: MatchCollector) {}

  write(chunk: Buffer): void {
    let start = 0;
    for (let end = chunk.indexOf(NEWLINE); end !== -1; end = chunk.indexOf(NEWLINE, start)) {
      this.append(chunk.subarray(start, end));
      this.finishLine();
      start = end + 1;
    }
    this.append(chunk.subarray(start));
  }

  end(): void {
    if (this.size > 0) this.finishLine();
  }

  private append(piece: Buffer): void {
    const room = MAX_LINE_BYTES - this.size;
    if (room <= 0 || piece.length === 0) return;
    const kept = piece.subarray(0, room);
    this.pieces.push(kept);
    this.size += kept.length;
  }

  private finishLine(): void {
    const parsed = MATCH_LINE.exec(Buffer.concat(this.pieces, this.size).toString('utf8'));
    this.pieces = [];
    this.size = 0;
    if (!parsed) return;
    this.collector.add(parsed[1]!.replace(/^\.\//, ''), Number(parsed[2]), parsed[3]!.replace(/\r$/, ''));
  }
}

interface ProcessRun {
  code: number | null;
  stderr: string;
  outcome: SearchOutcome;
}

/** Runs a grep-like program in the root, streaming its matches into a collector; null when it is not installed. */
async function collectMatches(
  command: string,
  args: string[],
  request: SearchRequest,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ProcessRun | null> {
  const deadline = AbortSignal.timeout(PROCESS_DEADLINE_MS);
  const run = await new Promise<ProcessRun | null>((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: request.visibility.root,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      signal: AbortSignal.any([request.signal, deadline]),
    });
    const collector = new MatchCollector(request);
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      if (stderr.length < MAX_LINE_BYTES) stderr += chunk;
    });
    const parser = new GrepOutputParser(collector);
    child.stdout.on('data', (chunk: Buffer) => parser.write(chunk));
    child.stdout.on('end', () => parser.end());
    child.on('error', (error: NodeJS.ErrnoException) =>
      error.code === 'ENOENT' ? resolve(null) : reject(error),
    );
    child.on('close', (code) => resolve({ code, stderr, outcome: collector.outcome() }));
  }).catch((error: unknown) => {
    if (deadline.aborted && !request.signal.aborted)
      throw new ToolError(`search stopped after ${PROCESS_DEADLINE_MS / 1000} s; narrow it with path`);
    throw error;
  });
  return run;
}

/**
 * Why rg and git grep cannot be trusted with this search ([] when they can).
 * They read every .gitignore (and .git/info/exclude) themselves, with a
 * blocking open, following links and without limits: where the policy skipped
 * or cut a rule file (a FIFO, a link out of the workspace, too large, too many
 * rules) only the Node search is safe and gives the policy's answer.
 */
export async function ruleFileNotices(
  visibility: Visibility,
  target: string,
  signal: AbortSignal,
): Promise<string[]> {
  const exclude = await lstat(path.join(visibility.root, '.git', 'info', 'exclude')).catch(() => undefined);
  if (exclude && !exclude.isFile()) return ['.git/info/exclude is not a regular file and was not applied'];
  const notices = new Set<string>();
  const files = walkVisible(visibility, path.resolve(visibility.root, target), { signal, notices });
  // The walk reads each directory's rule files on the way; the files themselves are not needed.
  while (notices.size === 0 && !(await files.next()).done);
  await files.return(undefined);
  return [...notices];
}
