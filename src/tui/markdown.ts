import { stripVTControlCharacters } from 'node:util';
import type { Marked } from 'marked';

type Renderer = (width: number) => Marked;

/**
 * marked-terminal (and the syntax highlighter under it) costs about as much to
 * load as the rest of the UI, so it loads in the background when the first
 * turn starts (see index.tsx); a message finished before then is shown as plain text.
 */
let renderer: Renderer | undefined;
let loading: Promise<void> | undefined;

/** Loads the markdown renderer (once); until it is loaded, messages are shown as plain text. */
export function loadMarkdown(): Promise<void> {
  loading ??= Promise.all([import('marked'), import('marked-terminal')]).then(
    ([{ Marked }, { markedTerminal }]) => {
      // emoji off: `:name:` in code or paths must stay as typed.
      renderer = (width) => new Marked(markedTerminal({ width, reflowText: true, tab: 2, emoji: false }));
    },
  );
  return loading;
}

/** One renderer per width: a finished message is rendered once, at the width of the terminal then. */
const renderers = new Map<number, Marked>();

/**
 * The model's finished text as terminal markdown: headings, lists, and code
 * blocks with syntax colour. `color: false` (NO_COLOR) keeps the layout and
 * drops every escape code, since marked-terminal's colour library ignores NO_COLOR.
 */
export function renderMarkdown(text: string, width: number, color: boolean): string {
  if (!renderer) return text.trimEnd();
  let marked = renderers.get(width);
  if (!marked) {
    marked = renderer(width);
    renderers.set(width, marked);
  }
  const rendered = (marked.parse(text, { async: false }) as string).trimEnd();
  return color ? rendered : stripVTControlCharacters(rendered);
}
