/** Folders whose files are tests, fixtures, examples, docs or benchmarks rather than the code itself. */
const NON_SOURCE_DIRS =
  /(^|\/)(tests?|__tests__|specs?|testing|testdata|fixtures|__fixtures__|__mocks__|mocks?|examples?|docs?|documentation|benchmarks?)\//i;
/** Test files by naming convention in the seven languages: a.test.ts, a_test.go, test_a.py, ATest.java. */
const TEST_NAMES = /(\.(test|spec)\.[^/]+|_test\.(go|py)|(^|\/)test_[^/]+\.py|Tests?\.java)$/;
/** Type declarations describe the code; the behaviour an issue is about lives in the sources. */
const DECLARATIONS = /\.d\.[cm]?ts$/;
/** Prose: documentation, changelogs, licences. */
const PROSE =
  /(\.(md|mdx|markdown|rst|txt|adoc)|(^|\/)(changelog|changes|history|news|readme|license|licence|contributing|authors)(\.[^/]*)?)$/i;

/**
 * Whether a file is something other than the code a fix changes: a test,
 * fixture, example, type declaration, document or changelog. Such files repeat the words of an
 * issue (a test names the function, a changelog the bug) and would crowd out
 * the code unless ranked down.
 */
export function isNonSource(file: string): boolean {
  return NON_SOURCE_DIRS.test(file) || TEST_NAMES.test(file) || DECLARATIONS.test(file) || PROSE.test(file);
}

/**
 * Words by which a query asks for tests, docs or type declarations themselves
 * ("example" and "doc" are left out: "for example" is prose, not a request).
 */
export const NON_SOURCE_WORDS =
  /\b(tests?|specs?|fixtures?|docs|documentation|readme|changelog|typings|typescript|declarations?)\b/i;
