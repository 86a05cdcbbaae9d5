// marked-terminal ships no types; this is the one function the transcript uses.
declare module 'marked-terminal' {
  import type { MarkedExtension } from 'marked';
  export function markedTerminal(options?: Record<string, unknown>): MarkedExtension;
}
