import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { walkFiles } from './gitignore.js';
import { ToolError } from './tool.js';

export interface SearchRequest {
  root: string;
  /** Directory or file to search, relative to root. */
  target: string;
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

/** Files larger than this are skipped by the pure-Node search, as generated or data files. */
const NODE_MAX_FILE_BYTES = 10 * 1024 * 1024;

export const ripgrep: SearchBackend = async (request) => {
  const args = [
    '--line-number',
    '--with-filename',
    '--no-heading',
    '--null',
    '--color=never',
    '--hidden',
    '--no-require-git',
    '--glob=!.git',
    '--sort=path',
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
  const args = [
    'grep',
    '--line-number',
    '-I',
    '-z',
    '--no-color',
    '--untracked',
    '--exclude-standard',
    request.regex ? '--extended-regexp' : '--fixed-strings',
    ...(request.ignoreCase ? ['--ignore-case'] : []),
    '-e',
    request.query,
    '--',
    request.target,
  ];
  const run = await collectMatches('git', args, request);
  if (run === null || /not a git repository/i.test(run.stderr)) return null;
  if (run.code !== 0 && run.code !== 1) throw new ToolError(`search failed: ${run.stderr.trim()}`);
  return run.outcome;
};

export const nodeWalk: SearchBackend = async (request) => {
  const matcher = lineMatcher(request.query, request.regex, request.ignoreCase);
  const collector = new MatchCollector(request.limit);
  for await (const file of walkFiles(
    request.root,
    path.resolve(request.root, request.target),
    request.signal,
  )) {
    if (file.symlink) continue;
    const content = await readFile(file.absolute).catch(() => null);
    if (!content || content.length > NODE_MAX_FILE_BYTES || content.subarray(0, 8000).includes(0)) continue;
    const lines = content.toString('utf8').split('\n');
    lines.forEach((text, index) => {
      if (matcher(text))
        collector.add({ path: file.relative, line: index + 1, text: text.replace(/\r$/, '') });
    });
  }
  return collector.outcome();
};

function lineMatcher(query: string, regex: boolean, ignoreCase = false): (line: string) => boolean {
  if (!regex && !ignoreCase) return (line) => line.includes(query);
  let pattern: RegExp;
  try {
    pattern = new RegExp(regex ? query : query.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), ignoreCase ? 'i' : '');
  } catch (error) {
    throw new ToolError(`invalid regular expression: ${(error as Error).message}`);
  }
  return (line) => pattern.test(line);
}

class MatchCollector {
  private readonly matches: SearchMatch[] = [];
  private total = 0;
  private readonly limit: number;

  constructor(limit: number) {
    this.limit = limit;
  }

  get full(): boolean {
    return this.matches.length >= this.limit;
  }

  add(match: SearchMatch): void {
    this.total++;
    if (!this.full) this.matches.push(match);
  }

  /** Matches beyond the limit are only counted. */
  countMore(count: number): void {
    this.total += count;
  }

  outcome(): SearchOutcome {
    return { matches: this.matches, total: this.total };
  }
}

/** Both rg --null and git grep -z print `path\0` and then `line:text` or `line\0text`. */
const MATCH_LINE = /^([^\0]+)\0(\d+)[:\0](.*)$/s;

/**
 * Splits grep output into lines and parses them until the collector is full;
 * after that it only counts lines, which keeps very broad searches fast.
 */
class GrepOutputParser {
  private pending = Buffer.alloc(0);
  private readonly collector: MatchCollector;

  constructor(collector: MatchCollector) {
    this.collector = collector;
  }

  write(chunk: Buffer): void {
    if (this.collector.full) {
      this.collector.countMore(countByte(chunk, NEWLINE));
      return;
    }
    let data = Buffer.concat([this.pending, chunk]);
    for (let end = data.indexOf(NEWLINE); end !== -1 && !this.collector.full; end = data.indexOf(NEWLINE)) {
      this.parse(data.subarray(0, end).toString('utf8'));
      data = data.subarray(end + 1);
    }
    if (this.collector.full) {
      this.collector.countMore(countByte(data, NEWLINE));
      this.pending = Buffer.alloc(0);
    } else this.pending = data;
  }

  end(): void {
    if (this.pending.length > 0) this.parse(this.pending.toString('utf8'));
    this.pending = Buffer.alloc(0);
  }

  private parse(line: string): void {
    const parsed = MATCH_LINE.exec(line);
    if (!parsed) return;
    this.collector.add({
      path: parsed[1]!.replace(/^\.\//, ''),
      line: Number(parsed[2]),
      text: parsed[3]!.replace(/\r$/, ''),
    });
  }
}

const NEWLINE = 0x0a;

function countByte(data: Buffer, byte: number): number {
  let count = 0;
  for (let i = data.indexOf(byte); i !== -1; i = data.indexOf(byte, i + 1)) count++;
  return count;
}

interface ProcessRun {
  code: number | null;
  stderr: string;
  outcome: SearchOutcome;
}

/** Runs a grep-like program in the root, streaming its matches into a collector; null when it is not installed. */
function collectMatches(command: string, args: string[], request: SearchRequest): Promise<ProcessRun | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: request.root,
      stdio: ['ignore', 'pipe', 'pipe'],
      signal: request.signal,
    });
    const collector = new MatchCollector(request.limit);
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const parser = new GrepOutputParser(collector);
    child.stdout.on('data', (chunk: Buffer) => parser.write(chunk));
    child.stdout.on('end', () => parser.end());
    child.on('error', (error: NodeJS.ErrnoException) =>
      error.code === 'ENOENT' ? resolve(null) : reject(error),
    );
    child.on('close', (code) => resolve({ code, stderr, outcome: collector.outcome() }));
  });
}
