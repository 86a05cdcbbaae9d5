import { splitIdentifier } from './tokenize.js';
import { NON_SOURCE_WORDS } from './file-role.js';

/** What a task or issue text says about where to look, beyond its words. */
export interface QueryClues {
  /** Identifiers written as code (camelCase, snake_case, `a.b`, `f(`, backticks), lowercased. */
  codeNames: Set<string>;
  /** Plain words of the text that are also defined in the repository, lowercased. */
  definedWords: Set<string>;
  /** Repository files the text points at: relative paths, GitHub URLs, traceback frames, file names. */
  files: Set<string>;
  /** Files whose name (without extension) the text uses as an identifier: DefinePlugin, no-unused-vars. */
  namedFiles: Set<string>;
  /** Whether the text asks about tests, docs or examples, so they are not ranked down. */
  wantsNonSource: boolean;
}

/**
 * A path with at least one separator or a file name with an extension, as in
 * `lib/x.js`, `/home/u/p/lib/x.js:10:5`, `file:///app/x.js`, `File "/x/y.py"`, `C:\p\x.js`,
 * or `https://github.com/o/r/blob/<ref>/lib/x.js#L10` (the match stops at `:` and `#`).
 */
const PATH_LIKE = /(?:[\w@.~+-]*[/\\])+[\w@.~+-]+|[\w@~+-]+\.[A-Za-z][A-Za-z0-9]{0,5}\b/g;
const IDENTIFIER = /[A-Za-z_$][\w$]*/g;
const HYPHENATED = /\b[A-Za-z][\w]*(?:-[A-Za-z0-9]+)+\b/g;
/** Words never taken for a definition's name, however the repository names things. */
const PROSE_WORDS = new Set(
  'the a an and or not no of to in on for is are was be been it its this that these with as by at from how where what which when does do did why get set new return if else then there here but can could should would will may might must has have had use used using call called make value values data error errors file files line lines type types name names test tests run runs'.split(
    ' ',
  ),
);

/** The repository's files as a query's mentions resolve to them; built once per index generation. */
export interface FilePaths {
  suffixes: SuffixIndex;
  stems: Map<string, string[]>;
}

export function filePaths(files: Iterable<string>): FilePaths {
  const suffixes = suffixIndex(files);
  return { suffixes, stems: stemIndex(suffixes) };
}

/** Reads a query's clues against the repository's files and definitions. */
export function queryClues(
  text: string,
  { suffixes: pathResolver, stems }: FilePaths,
  isDefined: (name: string) => boolean,
): QueryClues {
  const found = new Set<string>();
  const rest = text.replace(PATH_LIKE, (candidate: string) => {
    const resolved = resolvePath(pathResolver, candidate);
    if (resolved.length === 0) return candidate.includes('/') ? ' ' : candidate;
    for (const file of resolved) found.add(file);
    return ' ';
  });

  // A hyphenated name such as no-unused-vars is how rule, plugin and module files are called.
  const named = new Set<string>();
  for (const [name] of rest.matchAll(HYPHENATED))
    for (const file of stems.get(name.toLowerCase()) ?? []) named.add(file);
  const codeNames = new Set<string>();
  const definedWords = new Set<string>();
  for (const match of rest.matchAll(IDENTIFIER)) {
    const word = match[0];
    const start = match.index;
    const end = start + word.length;
    const lower = word.toLowerCase();
    // A dot only makes a member access between two names: "res.send", not the end of a sentence.
    const dotted =
      (rest[start - 1] === '.' && /[\w$)\]]/.test(rest[start - 2] ?? '')) ||
      (rest[end] === '.' && /[A-Za-z_$]/.test(rest[end + 1] ?? ''));
    // Prose capitalises sentence starts only: a capital mid-sentence ("the Lexer") or a lowercase
    // sentence start ("evaluate returns…") spelling a definition exactly is that definition's name.
    const startsSentence = /(^|[.!?:]\s+)$/.test(rest.slice(Math.max(0, start - 3), start)) || start === 0;
    const spelledAsDefined = startsSentence === /^[a-z]/.test(word) && isDefined(word);
    if (isCodeShaped(word) || dotted || spelledAsDefined || rest[end] === '(' || rest[start - 1] === '`') {
      if (lower.length > 1 && !PROSE_WORDS.has(lower)) codeNames.add(lower);
      // An identifier that is a file's name (DefinePlugin, combineURLs, utils in utils.merge) points at that file.
      if (lower.length > 2) for (const file of stems.get(lower) ?? []) named.add(file);
    } else if (lower.length > 2 && !PROSE_WORDS.has(lower) && isDefined(word)) {
      definedWords.add(lower);
    }
  }
  return {
    codeNames,
    definedWords,
    files: found,
    namedFiles: named,
    wantsNonSource: NON_SOURCE_WORDS.test(rest),
  };
}

/** camelCase, PascalCase with an inner capital, snake_case, SCREAMING_CASE. */
function isCodeShaped(word: string): boolean {
  return splitIdentifier(word).length > 1;
}

type SuffixIndex = Map<string, string[]>;

/** Every trailing run of path segments of every file (`lib/x.js`, `x.js`) → the files ending so. */
function suffixIndex(files: Iterable<string>): SuffixIndex {
  const index: SuffixIndex = new Map();
  for (const file of files) {
    const segments = file.split('/');
    for (let i = 0; i < segments.length; i++) {
      const suffix = segments.slice(i).join('/');
      const list = index.get(suffix);
      if (list) list.push(file);
      else index.set(suffix, [file]);
    }
  }
  return index;
}

/** Lowercased file names without extension (`lib/DefinePlugin.js` → `defineplugin`) → the files. */
function stemIndex(suffixes: SuffixIndex): Map<string, string[]> {
  const stems = new Map<string, string[]>();
  for (const [suffix, files] of suffixes) {
    if (suffix.includes('/')) continue;
    const stem = suffix.replace(/\.[^.]*$/, '').toLowerCase();
    stems.set(stem, [...(stems.get(stem) ?? []), ...files]);
  }
  return stems;
}

/**
 * The files a mentioned path means: its longest trailing run of segments that
 * some file ends with, so `/home/u/app/node_modules/pkg/lib/x.js` and
 * `//github.com/o/r/blob/main/lib/x.js` find `lib/x.js`, and `router/index.js`
 * finds `lib/router/index.js`.
 */
function resolvePath(index: SuffixIndex, mention: string): string[] {
  const segments = mention.split(/[/\\]+/).filter((segment) => segment !== '' && segment !== '.');
  for (let i = 0; i < segments.length; i++) {
    const files = index.get(segments.slice(i).join('/'));
    if (files) return files;
  }
  return [];
}
