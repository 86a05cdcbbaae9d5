import type { FileRecord } from '../file-extract.js';
import type { ChangedFile } from '../merkle.js';

/** Main thread → parse worker: extract this file. */
export interface ExtractRequest {
  id: number;
  file: ChangedFile;
}

/** Parse worker → main thread: the record (undefined when the file vanished), or why extraction threw. */
export type ExtractReply = { id: number; record: FileRecord | undefined } | { id: number; error: string };
