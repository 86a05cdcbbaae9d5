/** How much of a file is sniffed for a NUL byte, as git does. */
const SNIFF_BYTES = 8000;

/** Whether content is binary: a NUL byte near the start, the test git and ripgrep use. */
export function isBinary(content: Uint8Array): boolean {
  return content.subarray(0, SNIFF_BYTES).includes(0);
}
