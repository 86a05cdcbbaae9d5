import { stripVTControlCharacters } from 'node:util';
import { Marked } from 'marked';
import { markedTerminal } from 'marked-terminal';

/** One renderer per width: a finished message is rendered once, at the width of the terminal then. */
const renderers = new Map<number, Marked>();

/**
 * The model's finished text as terminal markdown: headings, lists, and code
 * blocks with syntax colour. `color: false` (NO_COLOR) keeps the layout and
 * drops every escape code, since marked-terminal's colour library ignores NO_COLOR.
 */
export function renderMarkdown(text: string, width: number, color: boolean): string {
  let marked = renderers.get(width);
  if (!marked) {
    // emoji off: `:name:` in code or paths must stay as typed.
    marked = new Marked(markedTerminal({ width, reflowText: true, tab: 2, emoji: false }));
    renderers.set(width, marked);
  }
  const rendered = (marked.parse(text, { async: false }) as string).trimEnd();
  return color ? rendered : stripVTControlCharacters(rendered);
}
