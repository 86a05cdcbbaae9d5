/**
 * A deterministic corpus of edit cases. Each case is built from structured lines, so the expected
 * file is known independently of the matcher: the file renders the lines in its style, the model's
 * old/new strings render them in another (depth, tabs/spaces, whitespace, Unicode form), and the
 * expected result renders the edited lines back in the file's style.
 */
import { plainPunctuation } from '../tools/edit/typography.js';

export type EditCategory =
  | 'exact'
  | 'indentation-drift'
  | 'tabs-vs-spaces'
  | 'trailing-whitespace'
  | 'crlf'
  | 'unicode'
  | 'ambiguous'
  | 'absent'
  | 'near-duplicate'
  | 'partial-lines'
  | 'line-numbers'
  | 'over-escaped';

export interface EditCase {
  id: string;
  category: string;
  /** The file's name, which decides whether the syntax gate parses it. */
  path?: string;
  content: string;
  oldString: string;
  newString: string;
  replaceAll: boolean;
  /** The whole file after the edit, or null when the edit must be refused. */
  expected: string | null;
}

interface Line {
  depth: number;
  /** As the file has it. */
  text: string;
  /** As the model writes it, when different (Unicode form, look-alike punctuation). */
  modelText?: string;
  /** Trailing whitespace the file has and the model leaves out. */
  trail?: string;
}

interface Style {
  indent: string;
  eol: '\n' | '\r\n';
}

type Rng = () => number;

const CASES_PER_CATEGORY = 40;

/** mulberry32: small, fast, deterministic. */
function rngFrom(seed: number): Rng {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)]!;
const chance = (rng: Rng, p: number): boolean => rng() < p;

const VERBS = ['load', 'parse', 'merge', 'render', 'check', 'store', 'fetch', 'split', 'count', 'format'];
const NOUNS = ['Items', 'Config', 'Users', 'Rows', 'Tokens', 'Orders', 'Paths', 'Events', 'Scores', 'Nodes'];
const UNICODE_NAMES = [
  'größe',
  'naïve',
  'café',
  'データ',
  'số_lượng',
  'Ωmega',
  'ñandú',
  'résumé',
  'счёт',
  'πλήθος',
];
const EMOJI = ['✅', '🚀', '🔥', '⚠️', '🧪', '👍🏽'];

/** One function of a brace language, all of whose distinctive lines mention `id`. */
function braceFunction(rng: Rng, name: string, id: string, limit: number): Line[] {
  const body: Line[] = [
    { depth: 0, text: `function ${name}(items, options) {` },
    { depth: 1, text: `const ${id}Count = items.length;` },
    { depth: 1, text: `if (${id}Count > ${limit}) {` },
    { depth: 2, text: `log("${name} over limit", ${id}Count);` },
    { depth: 2, text: `return ${limit};` },
    { depth: 1, text: '}' },
    { depth: 1, text: `for (const item of items) {` },
    { depth: 2, text: `${id}Total += weigh(item, options.${id});` },
    { depth: 1, text: '}' },
    { depth: 1, text: `return ${id}Total;` },
    { depth: 0, text: '}' },
  ];
  return chance(rng, 0.5) ? body : body.filter((_, i) => i !== 3);
}

/** The same in an indentation language. */
function pythonFunction(rng: Rng, name: string, id: string, limit: number): Line[] {
  const body: Line[] = [
    { depth: 0, text: `def ${name}(items, options):` },
    { depth: 1, text: `${id}_count = len(items)` },
    { depth: 1, text: `if ${id}_count > ${limit}:` },
    { depth: 2, text: `log("${name} over limit", ${id}_count)` },
    { depth: 2, text: `return ${limit}` },
    { depth: 1, text: `for item in items:` },
    { depth: 2, text: `${id}_total += weigh(item, options.${id})` },
    { depth: 2, text: `if item.done:` },
    { depth: 3, text: `continue` },
    { depth: 1, text: `return ${id}_total` },
  ];
  return chance(rng, 0.5) ? body : body.filter((_, i) => i !== 3);
}

interface Program {
  functions: Line[][];
  python: boolean;
}

function program(rng: Rng, names: (i: number) => string): Program {
  const python = chance(rng, 0.5);
  const make = python ? pythonFunction : braceFunction;
  const count = 3 + Math.floor(rng() * 4);
  const functions = Array.from({ length: count }, (_, i) => make(rng, names(i), `${names(i)}V${i}`, 10 + i));
  return { functions, python };
}

const asciiName = (rng: Rng) => (i: number) => `${pick(rng, VERBS)}${pick(rng, NOUNS)}${i}`;

const render = (lines: Line[], style: Style, shift: number, asModel: boolean): string =>
  lines
    .map((line) =>
      line.text.trim() === ''
        ? ''
        : style.indent.repeat(Math.max(0, line.depth + shift)) +
          (asModel ? (line.modelText ?? line.text) : line.text + (line.trail ?? '')),
    )
    .join(style.eol);

const renderFile = (functions: Line[][], style: Style): string =>
  render(
    functions.flatMap((fn, i) => (i === 0 ? fn : [{ depth: 0, text: '' }, ...fn])),
    style,
    0,
    false,
  ) + style.eol;

/** A contiguous window of a function holding at least one of its distinctive lines. */
function window(rng: Rng, fn: Line[]): { first: number; count: number } {
  const count = 2 + Math.floor(rng() * Math.min(4, fn.length - 2));
  const first = Math.floor(rng() * (fn.length - count));
  return { first, count };
}

/** What the model changes in the block: one line rewritten, a line added, a line removed, or all of it removed. */
function mutate(rng: Rng, block: Line[], python: boolean): Line[] {
  if (chance(rng, 0.1)) return [];
  const at = Math.floor(rng() * block.length);
  const target = block[at]!;
  const kind = block.length > 2 ? pick(rng, ['rewrite', 'insert', 'delete'] as const) : 'rewrite';
  const comment = python ? '  # checked' : ' // checked';
  if (kind === 'rewrite') {
    // A rewritten line keeps the file's typography (curly quotes), but nothing else the model wrote differently.
    const typographyOnly = target.modelText === plainPunctuation(target.text);
    const text = `${typographyOnly ? target.text : (target.modelText ?? target.text)}${comment}`;
    const modelText = target.modelText === undefined ? undefined : `${target.modelText}${comment}`;
    return block.map((line, i) => (i === at ? { depth: line.depth, text, modelText } : line));
  }
  if (kind === 'delete') return block.filter((_, i) => i !== at);
  const opens = /[{:]$/.test(target.text);
  const inserted: Line = {
    depth: target.depth + (opens ? 1 : 0),
    text: python ? 'audit(items)' : 'audit(items);',
  };
  return [...block.slice(0, at + 1), inserted, ...block.slice(at + 1)];
}

/** Whether the block's trimmed lines occur exactly once in the file's lines (the generator's own uniqueness check). */
function uniqueIn(functions: Line[][], block: Line[]): boolean {
  const all = functions.flat().map((line) => line.text.trim());
  const wanted = block.map((line) => line.text.trim());
  let found = 0;
  for (let i = 0; i + wanted.length <= all.length; i++) {
    if (wanted.every((text, j) => all[i + j] === text)) found++;
  }
  return found === 1;
}

interface Variation {
  fileIndent: string;
  modelIndent: string;
  eol: '\n' | '\r\n';
  /** Depth the model's block is moved by (its indentation drift). */
  shift: (blockDepth: number) => number;
}

const SPACES = ['  ', '    '];

function variation(rng: Rng, category: EditCategory): Variation {
  const fileIndent = category === 'tabs-vs-spaces' && chance(rng, 0.5) ? '\t' : pick(rng, [...SPACES, '\t']);
  const modelIndent =
    category === 'tabs-vs-spaces' ? (fileIndent === '\t' ? pick(rng, SPACES) : '\t') : fileIndent;
  const drifts =
    category === 'indentation-drift' || (!['exact', 'line-numbers'].includes(category) && chance(rng, 0.3));
  return {
    fileIndent,
    modelIndent,
    eol: category === 'crlf' ? '\r\n' : '\n',
    shift: (depth) =>
      drifts
        ? pick(
            rng,
            [-depth, 1, 2].filter((d) => d !== 0),
          )
        : 0,
  };
}

function buildCase(rng: Rng, category: EditCategory, index: number): EditCase | null {
  const unicode = category === 'unicode';
  const names = unicode ? (i: number) => `${pick(rng, UNICODE_NAMES)}${i}` : asciiName(rng);
  const { functions, python } = program(rng, names);
  const targetIndex = Math.floor(rng() * functions.length);
  const other = (targetIndex + 1) % functions.length;

  if (category === 'ambiguous' || category === 'near-duplicate') {
    const clone = functions[targetIndex]!.map((line, i) =>
      i === 0 ? { ...line, text: line.text.replace(/(\w+)\(/, '$1Copy(') } : { ...line },
    );
    if (category === 'near-duplicate') {
      const differing = 1 + Math.floor(rng() * (clone.length - 2));
      clone[differing] = {
        ...clone[differing]!,
        text: `${clone[differing]!.text.replace(/;$/, '')} + 1${python ? '' : ';'}`,
      };
    }
    functions[other] = clone;
  }
  if (unicode) decorate(rng, functions[targetIndex]!);

  const fn = functions[targetIndex]!;
  const { first, count } = window(rng, fn);
  const block = fn.slice(first, first + count);
  const partial = category === 'partial-lines';
  if (partial && (block.length < 2 || !block[0]!.text.includes(' '))) return null;
  if (partial) for (const line of block.slice(1)) line.modelText = respaced(line.text);
  if (category === 'trailing-whitespace') {
    // Not on the last line: old_string would then be an exact prefix of it, and plain substring
    // replacement (which keeps the rest of the line) is what the exact cases already cover.
    for (const line of block.slice(0, -1))
      if (chance(rng, 0.6)) line.trail = pick(rng, [' ', '  ', '\t', ' \t']);
  }

  const mustRefuse = category === 'ambiguous' || category === 'absent';
  if (category === 'ambiguous' ? uniqueIn(functions, block) : !uniqueIn(functions, block)) return null;

  const v = variation(rng, category);
  const fileStyle: Style = { indent: v.fileIndent, eol: v.eol };
  const modelStyle: Style = { indent: v.modelIndent, eol: '\n' };
  const shift = v.shift(Math.min(...block.map((line) => line.depth)));
  const content = renderFile(functions, fileStyle);
  const edited = partial ? [block[0]!, ...mutate(rng, block.slice(1), python)] : mutate(rng, block, python);
  const stated = category === 'absent' ? misremember(rng, block) : block;
  const newline = chance(rng, 0.3) ? '\n' : '';
  const garble = (text: string, restart: boolean): string => {
    if (partial) return startMidLine(text, block[0]!.text);
    if (category === 'over-escaped') return escapedTwice(text);
    if (category === 'line-numbers' && (!restart || chance(rng, 0.5)))
      return numbered(text, lineNumberOf(functions, targetIndex, first));
    return text;
  };
  const oldString = garble(render(stated, modelStyle, shift, true) + newline, false);
  const newString = edited.length > 0 ? garble(render(edited, modelStyle, shift, true) + newline, true) : '';
  // Text that literally occurs twice is an ambiguous case, whatever the lines around it.
  if (oldString === newString || (!mustRefuse && content.split(oldString).length > 2)) return null;

  const after = functions.map((f, i) =>
    i === targetIndex ? [...f.slice(0, first), ...edited, ...f.slice(first + count)] : f,
  );
  return {
    id: `${category}-${index}`,
    category,
    content,
    oldString,
    newString,
    replaceAll: false,
    expected: mustRefuse ? null : renderFile(after, fileStyle),
  };
}

/** Unicode identifiers already come from the names; add emoji, decomposed accents and typographic quotes. */
function decorate(rng: Rng, fn: Line[]): void {
  const line = fn[3]!;
  const variant = pick(rng, ['emoji', 'decomposed', 'quotes'] as const);
  if (variant === 'emoji') {
    line.text = line.text.replace('over limit', `${pick(rng, EMOJI)} over limit`);
  } else if (variant === 'decomposed') {
    const composed = line.text.replace('over limit', 'dépassé — limite');
    line.text = composed.normalize('NFD');
    line.modelText = composed.normalize('NFC');
  } else {
    line.text = line.text
      .replace('"', '“')
      .replace(/"(?=[,)])/, '”')
      .replace('over limit', 'isn’t under limit');
    line.modelText = line.text.replace(/[“”]/g, '"').replace('’', "'");
  }
}

/** Spacing a model might normalise differently inside a line. */
const respaced = (text: string): string => text.replace(/, /g, ',').replace(/ (=|>|\+=) /g, '$1');

/** old_string starting after the first word of its first line, as when a model copies from mid-line. */
function startMidLine(text: string, firstLine: string): string {
  const rest = text.indexOf('\n') === -1 ? '' : text.slice(text.indexOf('\n'));
  return firstLine.slice(firstLine.indexOf(' ') + 1) + rest;
}

/** What a model sends when it escapes its JSON string twice. */
const escapedTwice = (text: string): string =>
  text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\t/g, '\\t');

/** Lines prefixed the way the read tool numbers them, as when a model copies its output verbatim. */
const numbered = (text: string, firstNumber: number): string =>
  text
    .split('\n')
    .map((line, i) => (line === '' && i > 0 ? line : `${String(firstNumber + i).padStart(6)}\t${line}`))
    .join('\n');

/** 1-based file line of line `index` of function `fn` (functions are separated by one blank line). */
const lineNumberOf = (functions: Line[][], fn: number, index: number): number =>
  functions.slice(0, fn).reduce((sum, f) => sum + f.length + 1, 0) + index + 1;

/** The block as a model misremembering it: one distinctive line with a different identifier. */
function misremember(rng: Rng, block: Line[]): Line[] {
  const at = Math.floor(rng() * block.length);
  return block.map((line, i) =>
    i === at ? { depth: line.depth, text: `${line.text.replace(/\w+/, 'forgotten')} /* renamed */` } : line,
  );
}

/** Exact cases also cover replace_all over real duplicates. */
function replaceAllCase(rng: Rng, index: number): EditCase {
  const names = asciiName(rng);
  const { functions } = program(rng, names);
  const style: Style = { indent: pick(rng, [...SPACES, '\t']), eol: '\n' };
  const content = renderFile(functions, style);
  return {
    id: `exact-replace-all-${index}`,
    category: 'exact',
    content,
    oldString: 'items, options',
    newString: 'items, settings',
    replaceAll: true,
    expected: content.replaceAll('items, options', 'items, settings'),
  };
}

export const CATEGORIES: EditCategory[] = [
  'exact',
  'indentation-drift',
  'tabs-vs-spaces',
  'trailing-whitespace',
  'crlf',
  'unicode',
  'ambiguous',
  'absent',
  'near-duplicate',
  'partial-lines',
  'line-numbers',
  'over-escaped',
];

export function editCorpus(seed = 20240601): EditCase[] {
  const rng = rngFrom(seed);
  const cases: EditCase[] = [];
  for (const category of CATEGORIES) {
    let made = 0;
    for (let attempt = 0; made < CASES_PER_CATEGORY && attempt < CASES_PER_CATEGORY * 20; attempt++) {
      const built =
        category === 'exact' && made % 8 === 7 ? replaceAllCase(rng, made) : buildCase(rng, category, made);
      if (built) {
        cases.push(built);
        made++;
      }
    }
  }
  return cases;
}
