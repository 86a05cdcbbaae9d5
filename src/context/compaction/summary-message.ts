import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { packageRoot } from '../../core/package-root.js';
import { SUMMARY_MARKER } from './conversation.js';

/** What the harness itself carries from one compaction to the next, verbatim, whatever the model's summary says. */
export interface CarriedFacts {
  filesRead: string[];
  filesEdited: string[];
  failureLines: string[];
}

const CARRIED_SEPARATOR = '---- Kept verbatim by the harness across compactions ----';
const READ_HEADING = '## Files already read (contents may have changed since; re-read only what you need)';
const EDITED_HEADING = '## Files edited';
const FAILURES_HEADING = '## Failure lines from earlier tool output';
const FAILURE_INDENT = '    ';

export function loadSummaryInstructions(): Promise<string> {
  return readFile(path.join(packageRoot, 'prompts', 'summary.md'), 'utf8');
}

/** The user message that stands in for the summarised turns. */
export function summaryMessageText(modelSummary: string, facts: CarriedFacts): string {
  const sections = [
    `${SUMMARY_MARKER} Earlier turns of this session were summarised to fit the context window. The user's own messages follow verbatim; the most recent turns follow unchanged.`,
    modelSummary.trim(),
    CARRIED_SEPARATOR,
    READ_HEADING,
    listOrNone(facts.filesRead),
    EDITED_HEADING,
    listOrNone(facts.filesEdited),
    FAILURES_HEADING,
    facts.failureLines.length ? facts.failureLines.map((line) => FAILURE_INDENT + line).join('\n') : 'None',
  ];
  return `${sections.join('\n\n')}\n`;
}

function listOrNone(items: string[]): string {
  return items.length ? items.map((item) => `- ${item}`).join('\n') : 'None';
}

/** Reads back the facts an earlier summary message carried, so the next summary keeps them. */
export function parseCarriedFacts(summaryText: string): CarriedFacts {
  const start = summaryText.lastIndexOf(CARRIED_SEPARATOR);
  const carried = start === -1 ? '' : summaryText.slice(start);
  return {
    filesRead: prefixed(section(carried, READ_HEADING, EDITED_HEADING), '- '),
    filesEdited: prefixed(section(carried, EDITED_HEADING, FAILURES_HEADING), '- '),
    failureLines: prefixed(section(carried, FAILURES_HEADING, null), FAILURE_INDENT),
  };
}

function prefixed(lines: string[], prefix: string): string[] {
  return lines.filter((line) => line.startsWith(prefix)).map((line) => line.slice(prefix.length));
}

function section(text: string, heading: string, nextHeading: string | null): string[] {
  const start = text.indexOf(heading);
  if (start === -1) return [];
  const end = nextHeading === null ? -1 : text.indexOf(nextHeading, start);
  return text.slice(start + heading.length, end === -1 ? undefined : end).split('\n');
}
