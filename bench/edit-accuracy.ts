import { applyEdit } from '../tools/edit/apply-edit.js';
import { CATEGORIES, editCorpus, type EditCase } from './edit-corpus.js';
import type { BenchFigure, BenchSection } from './report.js';

type Verdict = 'correct' | 'refused-wrongly' | 'wrong-result' | 'wrong-place';

const SHOWN_FAILURES = 5;

/** Accuracy of the edit matcher over the generated corpus; "wrong place" edits are the failure that must never happen. */
export async function run(): Promise<BenchSection> {
  const cases = editCorpus();
  const verdicts = cases.map((c) => ({ c, verdict: judge(c) }));
  const correct = (list: typeof verdicts) => list.filter(({ verdict }) => verdict === 'correct').length;
  const percent = (part: number, whole: number) => Math.round((1000 * part) / whole) / 10;

  const figures: BenchFigure[] = [
    { name: 'cases', value: cases.length, unit: 'cases', target: '>= 300', pass: cases.length >= 300 },
    overall('correct overall', percent(correct(verdicts), cases.length)),
    ...CATEGORIES.map((category) => {
      const inCategory = verdicts.filter(({ c }) => c.category === category);
      return overall(
        `correct: ${category} (${inCategory.length})`,
        percent(correct(inCategory), inCategory.length),
      );
    }),
    {
      name: 'wrong-place edits',
      value: verdicts.filter(({ verdict }) => verdict === 'wrong-place').length,
      unit: 'edits',
      target: '= 0',
      pass: verdicts.every(({ verdict }) => verdict !== 'wrong-place'),
    },
  ];
  const failures = verdicts.filter(({ verdict }) => verdict !== 'correct');
  return {
    title: 'Edit accuracy (generated search-and-replace corpus)',
    figures,
    notes: failures.slice(0, SHOWN_FAILURES).map(({ c, verdict }) => `${c.id}: ${verdict}`),
  };
}

const overall = (name: string, value: number): BenchFigure => ({
  name,
  value,
  unit: '%',
  target: '100 %',
  pass: value === 100,
});

function judge(c: EditCase): Verdict {
  const outcome = applyEdit(c.content, c.oldString, c.newString, c.replaceAll);
  if (!outcome.ok) return c.expected === null ? 'correct' : 'refused-wrongly';
  if (outcome.content === c.expected) return 'correct';
  if (c.expected === null) return 'wrong-place';
  return firstDifferentLine(c.content, outcome.content) === firstDifferentLine(c.content, c.expected)
    ? 'wrong-result'
    : 'wrong-place';
}

function firstDifferentLine(a: string, b: string): number {
  const left = a.split('\n');
  const right = b.split('\n');
  let i = 0;
  while (i < left.length && left[i] === right[i]) i++;
  return i;
}
