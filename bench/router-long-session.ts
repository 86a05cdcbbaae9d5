import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../src/core/package-root.js';
import type { ScriptedReply } from '../test/scripted-provider/types.js';

/**
 * A session of the length and shape real agent sessions have (the short ones
 * have 6 or 7 steps on a 10-line project, a tenth of a real prompt): a feature
 * that spans three modules of a few KB each in a small order-pricing package
 * (test/fixtures/shop-orders), explored file by file, edited in four places,
 * a test run that still fails (negative amounts print wrong), a fix, a
 * passing run, the README, and a last look at the diff. 17 steps, each with
 * the sentence or two a model writes before its calls.
 */
export const LONG_TASK =
  'Orders can now carry a percentage discount (`discountPercent`), taken off the subtotal before tax. ' +
  'The pricing and report tests already describe it: make `npm test` pass, and document the field in the README.';

/** The package's files, read from the fixture directory. */
export function shopOrdersProject(): Record<string, string> {
  const root = path.join(packageRoot, 'test', 'fixtures', 'shop-orders');
  const files: Record<string, string> = {};
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const file = path.join(dir, name);
      if (statSync(file).isDirectory()) walk(file);
      else files[path.relative(root, file)] = readFileSync(file, 'utf8');
    }
  };
  walk(root);
  return files;
}

const call = (text: string, name: string, args: Record<string, unknown>): ScriptedReply => ({
  text,
  toolCalls: [{ name, arguments: args }],
});
const edit = (text: string, file: string, oldString: string, newString: string): ScriptedReply =>
  call(text, 'edit', { path: file, old_string: oldString, new_string: newString });

export const LONG_STEPS: ScriptedReply[] = [
  call('I will run the test suite first to see what the discount tests expect.', 'terminal', {
    command: 'npm test',
  }),
  call(
    'Three failures: pricing.test.js cannot import `applyDiscount` (it does not exist yet), and two report tests fail. Let me see where discounts are mentioned.',
    'search',
    { query: 'discount' },
  ),
  call('Only the tests mention it. The pricing tests first, for the exact behaviour.', 'read', {
    path: 'test/pricing.test.js',
  }),
  call(
    '`applyDiscount(amount, percent)` rounds to the cent and throws RangeError outside 0..100; `orderTotal` applies `discountPercent` before tax. Now the pricing module.',
    'read',
    { path: 'src/pricing.js' },
  ),
  call('Next the report tests, which expect a discount line.', 'read', { path: 'test/report.test.js' }),
  call(
    'The report shows "Discount (10%)" as a negative amount between subtotal and tax, and tax on the discounted amount. Reading the report module.',
    'read',
    { path: 'src/report.js' },
  ),
  call('The report formats amounts with format.js; checking how it handles a negative amount.', 'read', {
    path: 'src/format.js',
  }),
  edit(
    'Adding `applyDiscount` and applying the discount in `orderTotal` before tax.',
    'src/pricing.js',
    [
      "/** What the customer pays: the subtotal plus tax at the order's rate. */",
      'export function orderTotal(order) {',
      '  const subtotal = orderSubtotal(order);',
      '  return subtotal + taxFor(subtotal, order.taxRate ?? DEFAULT_TAX_RATE);',
      '}',
    ].join('\n'),
    [
      '/** An amount less a percentage discount, the discount rounded to the cent; percent must be 0..100. */',
      'export function applyDiscount(amountCents, percent) {',
      "  if (typeof percent !== 'number' || percent < 0 || percent > 100) {",
      '    throw new RangeError(`discount must be between 0 and 100 percent, got ${percent}`);',
      '  }',
      '  return amountCents - Math.round((amountCents * percent) / 100);',
      '}',
      '',
      "/** What the customer pays: the subtotal less the order's discount, plus tax at the order's rate. */",
      'export function orderTotal(order) {',
      '  const discounted = applyDiscount(orderSubtotal(order), order.discountPercent ?? 0);',
      '  return discounted + taxFor(discounted, order.taxRate ?? DEFAULT_TAX_RATE);',
      '}',
    ].join('\n'),
  ),
  edit(
    'The report needs `applyDiscount` too.',
    'src/report.js',
    "import { DEFAULT_TAX_RATE, lineTotal, orderSubtotal, orderTotal, taxFor } from './pricing.js';",
    "import { applyDiscount, DEFAULT_TAX_RATE, lineTotal, orderSubtotal, orderTotal, taxFor } from './pricing.js';",
  ),
  edit(
    'Showing the discount line when there is one, and taxing the discounted amount.',
    'src/report.js',
    [
      '  const rate = order.taxRate ?? DEFAULT_TAX_RATE;',
      "  lines.push('');",
      "  lines.push(row('Subtotal', subtotal));",
      '  lines.push(row(`Tax (${formatRate(rate)})`, taxFor(subtotal, rate)));',
    ].join('\n'),
    [
      '  const rate = order.taxRate ?? DEFAULT_TAX_RATE;',
      '  const percent = order.discountPercent ?? 0;',
      '  const discounted = applyDiscount(subtotal, percent);',
      "  lines.push('');",
      "  lines.push(row('Subtotal', subtotal));",
      '  if (percent > 0) lines.push(row(`Discount (${percent}%)`, discounted - subtotal));',
      '  lines.push(row(`Tax (${formatRate(rate)})`, taxFor(discounted, rate)));',
    ].join('\n'),
  ),
  call('Running the tests again.', 'terminal', { command: 'npm test' }),
  edit(
    'Pricing passes now. The two report failures are `formatMoney` on negative amounts: `Math.floor` and `%` on negative cents give "$-6.-50". Formatting the sign apart from the absolute amount.',
    'src/format.js',
    [
      '  const dollars = Math.floor(cents / 100);',
      "  const rest = String(cents % 100).padStart(2, '0');",
      '  return `${CURRENCY_SYMBOL}${groupThousands(dollars)}.${rest}`;',
    ].join('\n'),
    [
      "  const sign = cents < 0 ? '-' : '';",
      '  const dollars = Math.floor(Math.abs(cents) / 100);',
      "  const rest = String(Math.abs(cents) % 100).padStart(2, '0');",
      '  return `${sign}${CURRENCY_SYMBOL}${groupThousands(dollars)}.${rest}`;',
    ].join('\n'),
  ),
  call('Running the whole suite once more.', 'terminal', { command: 'npm test' }),
  call('All 11 tests pass. Now the README, to document the new field.', 'read', { path: 'README.md' }),
  edit(
    'Documenting `discountPercent` in the order shape.',
    'README.md',
    '  taxRate: 0.08,           // optional, DEFAULT_TAX_RATE otherwise',
    [
      '  taxRate: 0.08,           // optional, DEFAULT_TAX_RATE otherwise',
      '  discountPercent: 10,     // optional, percent off the subtotal, before tax',
    ].join('\n'),
  ),
  call('A last look at what changed.', 'terminal', { command: 'git diff --stat' }),
  {
    text: [
      'Done. Orders take an optional `discountPercent`:',
      '- `src/pricing.js`: new `applyDiscount(amountCents, percent)` (rounded to the cent, RangeError outside 0..100); `orderTotal` takes the discount off before tax.',
      '- `src/report.js`: a "Discount (n%)" line between subtotal and tax, and tax on the discounted amount.',
      '- `src/format.js`: `formatMoney` now formats negative amounts as "-$2.75" (it printed "$-3.-25").',
      '- README: the new field in the order shape.',
      '`npm test` passes (11 tests).',
    ].join('\n'),
  },
];
