/** A unified diff as numbered lines, for the coloured diff view. */
interface DiffLine {
  kind: 'add' | 'remove' | 'context' | 'hunk' | 'header';
  /** The line's number in the new file (old file for removals); absent for headers. */
  number?: number;
  text: string;
}

export function parseDiff(diff: string): DiffLine[] {
  const lines: DiffLine[] = [];
  let oldLine = 0;
  let newLine = 0;
  let inHunk = false;
  for (const raw of diff.replace(/\n$/, '').split('\n')) {
    const hunk = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@(.*)$/.exec(raw);
    if (hunk) {
      oldLine = Number(hunk[1]);
      newLine = Number(hunk[2]);
      inHunk = true;
      lines.push({ kind: 'hunk', text: raw });
    } else if (raw.startsWith('diff ')) {
      inHunk = false;
      lines.push({ kind: 'header', text: raw });
    } else if (!inHunk || raw.startsWith('\\')) {
      // File headers (---/+++/index) before a hunk, and "\ No newline at end of file".
      lines.push({ kind: 'header', text: raw });
    } else if (raw.startsWith('+')) {
      lines.push({ kind: 'add', number: newLine++, text: raw.slice(1) });
    } else if (raw.startsWith('-')) {
      lines.push({ kind: 'remove', number: oldLine++, text: raw.slice(1) });
    } else {
      lines.push({ kind: 'context', number: newLine, text: raw.slice(1) });
      oldLine++;
      newLine++;
    }
  }
  return lines;
}
