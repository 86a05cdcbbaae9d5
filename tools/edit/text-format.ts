import { isBinary } from '../../src/fs/visibility/binary.js';
import { ToolError } from '../tool.js';

/** How a file breaks lines; "mixed" files are edited as they are so untouched lines keep their endings. */
export type LineEnding = '\n' | '\r\n' | 'mixed';

export interface DecodedText {
  text: string;
  bom: boolean;
}

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The file's text without its BOM; refuses binary and non-UTF-8 content instead of corrupting it. */
export function decodeText(bytes: Buffer, displayPath: string): DecodedText {
  if (startsWith(bytes, [0xff, 0xfe]) || startsWith(bytes, [0xfe, 0xff])) {
    throw new ToolError(`${displayPath} is UTF-16 encoded; edit only changes UTF-8 text files`);
  }
  if (isBinary(bytes)) {
    throw new ToolError(
      `${displayPath} looks like a binary file (it contains NUL bytes); edit only changes text files`,
    );
  }
  const bom = startsWith(bytes, [...UTF8_BOM]);
  try {
    return { text: utf8.decode(bom ? bytes.subarray(UTF8_BOM.length) : bytes), bom };
  } catch {
    throw new ToolError(`${displayPath} is not valid UTF-8 text; edit only changes UTF-8 text files`);
  }
}

export function encodeText({ text, bom }: DecodedText): Buffer {
  const body = Buffer.from(text, 'utf8');
  return bom ? Buffer.concat([UTF8_BOM, body]) : body;
}

export function lineEndingOf(text: string): LineEnding {
  let lf = 0;
  let crlf = 0;
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) {
    lf++;
    if (text.charCodeAt(at - 1) === 13) crlf++;
  }
  if (crlf === 0) return '\n';
  return crlf === lf ? '\r\n' : 'mixed';
}

export const toLf = (text: string): string => text.replace(/\r\n/g, '\n');

export const withLineEnding = (lfText: string, ending: LineEnding): string =>
  ending === '\r\n' ? lfText.replace(/\n/g, '\r\n') : lfText;

function startsWith(bytes: Buffer, prefix: number[]): boolean {
  return prefix.every((byte, i) => bytes[i] === byte);
}
