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
  // Lines the current hunk still holds, as its header counts them: a diff of several files
  // need not separate them with `diff ` lines, so the next file's `---`/`+++` only reads as a
  // header once the hunk is complete.
  let oldLeft = 0;
  let newLeft = 0;
  for (const raw of diff.replace(/\n$/, '').split('\n')) {
    const hunk = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@(.*)$/.exec(raw);
    if (hunk) {
      oldLine = Number(hunk[1]);
      oldLeft = Number(hunk[2] ?? 1);
      newLine = Number(hunk[3]);
      newLeft = Number(hunk[4] ?? 1);
      lines.push({ kind: 'hunk', text: raw });
    } else if ((oldLeft === 0 && newLeft === 0) || raw.startsWith('\\')) {
      // File headers (diff/---/+++/index, "Binary file … differs") outside hunks, and "\ No newline at end of file".
      lines.push({ kind: 'header', text: raw });
    } else if (raw.startsWith('+')) {
      newLeft--;
      lines.push({ kind: 'add', number: newLine++, text: raw.slice(1) });
    } else if (raw.startsWith('-')) {
      oldLeft--;
      lines.push({ kind: 'remove', number: oldLine++, text: raw.slice(1) });
    } else {
      oldLeft--;
      newLeft--;
      lines.push({ kind: 'context', number: newLine, text: raw.slice(1) });
      oldLine++;
      newLine++;
    }
  }
  return lines;
}
