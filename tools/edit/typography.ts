/** Typographic characters models tend to swap for their ASCII look-alikes (and back). */
const LOOKALIKES: Record<string, string> = {
  '\u2010': '-',
  '\u2011': '-',
  '\u2012': '-',
  '\u2013': '-',
  '\u2014': '-',
  '\u2015': '-',
  '\u2212': '-',
  '\u2018': "'",
  '\u2019': "'",
  '\u201a': "'",
  '\u201b': "'",
  '\u201c': '"',
  '\u201d': '"',
  '\u201e': '"',
  '\u201f': '"',
  '\u00a0': ' ',
  '\u2002': ' ',
  '\u2003': ' ',
  '\u2004': ' ',
  '\u2005': ' ',
  '\u2006': ' ',
  '\u2007': ' ',
  '\u2008': ' ',
  '\u2009': ' ',
  '\u200a': ' ',
  '\u202f': ' ',
  '\u205f': ' ',
  '\u3000': ' ',
  '\u2026': '...',
};

const TYPOGRAPHIC = new RegExp(`[${Object.keys(LOOKALIKES).join('')}]`, 'gu');

/** The text with every typographic look-alike replaced by its ASCII form. */
export const plainPunctuation = (text: string): string => text.replace(TYPOGRAPHIC, (ch) => LOOKALIKES[ch]!);

/**
 * A changed line as the model wrote it, with the file's typography put back where the model
 * normalised it: in the parts the model kept from its old line (common prefix and suffix), each
 * ASCII stand-in for a typographic character of the file line becomes that character again.
 * Returns the line unchanged when the old line does not correspond to the file line character for
 * character (other than look-alikes and amounts of whitespace).
 */
export function keepTypography(newLine: string, oldLine: string, fileLine: string): string {
  const stand = standIns(fileLine, oldLine);
  if (!stand || stand.size === 0) return newLine;
  let prefix = 0;
  while (prefix < oldLine.length && prefix < newLine.length && oldLine[prefix] === newLine[prefix]) prefix++;
  let suffix = 0;
  while (
    suffix < oldLine.length - prefix &&
    suffix < newLine.length - prefix &&
    oldLine[oldLine.length - 1 - suffix] === newLine[newLine.length - 1 - suffix]
  ) {
    suffix++;
  }
  const shift = newLine.length - oldLine.length;
  let result = newLine;
  for (const [at, { length, typographic }] of [...stand].sort(([a], [b]) => b - a)) {
    const target = at + length <= prefix ? at : at >= oldLine.length - suffix ? at + shift : -1;
    if (target >= 0) result = result.slice(0, target) + typographic + result.slice(target + length);
  }
  return result;
}

/** Positions in `oldLine` where it has the ASCII stand-in of a typographic character of `fileLine`. */
function standIns(
  fileLine: string,
  oldLine: string,
): Map<number, { length: number; typographic: string }> | null {
  const found = new Map<number, { length: number; typographic: string }>();
  const space = /\s/;
  let i = 0;
  let j = 0;
  while (i < fileLine.length || j < oldLine.length) {
    const f = fileLine[i];
    const o = oldLine[j];
    if (f !== undefined && o !== undefined && f === o) {
      i++;
      j++;
    } else if (f !== undefined && f !== ' ' && LOOKALIKES[f] === ' ' && o === ' ') {
      // An odd space where the model wrote a plain one, told apart from a mere amount of whitespace.
      found.set(j, { length: 1, typographic: f });
      i++;
      j++;
    } else if ((f === undefined || space.test(f)) && (o === undefined || space.test(o))) {
      while (i < fileLine.length && space.test(fileLine[i]!)) i++;
      while (j < oldLine.length && space.test(oldLine[j]!)) j++;
      if (f === undefined && o === undefined) break;
    } else if (f !== undefined && LOOKALIKES[f] !== undefined && oldLine.startsWith(LOOKALIKES[f], j)) {
      found.set(j, { length: LOOKALIKES[f].length, typographic: f });
      i++;
      j += LOOKALIKES[f].length;
    } else {
      return null;
    }
  }
  return found;
}
