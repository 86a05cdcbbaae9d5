import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { packageRoot } from '../../core/package-root.js';
import { SUMMARY_MARKER } from './conversation.js';

/** The failure lines of the latest summarised run of one command (or other tool call). */
export interface CommandFailures {
  /** How the call is described in stubs, such as "`npm test`". */
  source: string;
  lines: string[];
}

/** What the harness itself carries from one compaction to the next, verbatim, whatever the model's summary says. */
export interface CarriedFacts {
  filesRead: string[];
  filesEdited: string[];
  failures: CommandFailures[];
}

const CARRIED_SEPARATOR = '---- Kept verbatim by the harness across compactions ----';
const READ_HEADING = '## Files already read (contents may have changed since; re-read only what you need)';
const EDITED_HEADING = '## Files edited';
const FAILURES_HEADING = '## Failure lines of the latest summarised run of each command';
const LIST_ITEM = '- ';
const FAILURE_INDENT = '    ';
const SOURCE_SUFFIX = ':';

export function loadSummaryInstructions(): Promise<string> {
  return readFile(path.join(packageRoot, 'prompts', 'summary.md'), 'utf8');
}

/** The user message that stands in for the summarised turns. */
export function summaryMessageText(modelSummary: string, facts: CarriedFacts): string {
  const failures = facts.failures.map(
    ({ source, lines }) =>
      `${source}${SOURCE_SUFFIX}\n${lines.map((line) => FAILURE_INDENT + line).join('\n')}`,
  );
  const sections = [
    `${SUMMARY_MARKER} Earlier turns of this session were summarised to fit the context window. The user's own messages follow verbatim; the most recent turns follow unchanged.`,
    modelSummary.trim(),
    CARRIED_SEPARATOR,
    READ_HEADING,
    orNone(facts.filesRead.map((file) => LIST_ITEM + file)),
    EDITED_HEADING,
    orNone(facts.filesEdited.map((file) => LIST_ITEM + file)),
    FAILURES_HEADING,
    orNone(failures),
  ];
  return `${sections.join('\n\n')}\n`;
}

function orNone(lines: string[]): string {
  return lines.length ? lines.join('\n') : 'None';
}

/** Reads back the facts an earlier summary message carried, so the next summary keeps them. */
export function parseCarriedFacts(summaryText: string): CarriedFacts {
  const start = summaryText.lastIndexOf(CARRIED_SEPARATOR);
  const carried = start === -1 ? '' : summaryText.slice(start);
  return {
    filesRead: listItems(section(carried, READ_HEADING, EDITED_HEADING)),
    filesEdited: listItems(section(carried, EDITED_HEADING, FAILURES_HEADING)),
    failures: failureGroups(section(carried, FAILURES_HEADING, null)),
  };
}

function listItems(lines: string[]): string[] {
  return lines.filter((line) => line.startsWith(LIST_ITEM)).map((line) => line.slice(LIST_ITEM.length));
}

function failureGroups(lines: string[]): CommandFailures[] {
  const groups: CommandFailures[] = [];
  for (const line of lines) {
    if (line.startsWith(FAILURE_INDENT)) groups.at(-1)?.lines.push(line.slice(FAILURE_INDENT.length));
    else if (line.endsWith(SOURCE_SUFFIX))
      groups.push({ source: line.slice(0, -SOURCE_SUFFIX.length), lines: [] });
  }
  return groups;
}

function section(text: string, heading: string, nextHeading: string | null): string[] {
  const start = text.indexOf(heading);
  if (start === -1) return [];
  const end = nextHeading === null ? -1 : text.indexOf(nextHeading, start);
  return text.slice(start + heading.length, end === -1 ? undefined : end).split('\n');
}
