/*
 * A parsing thread of the index: extracts one file at a time, in arrival
 * order, and answers with the record (plain data, never a syntax tree).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { extractFile } from '../file-extract.js';
import type { ExtractReply, ExtractRequest } from './protocol.js';

const port = parentPort!;
const { root } = workerData as { root: string };
let queue = Promise.resolve();

port.on('message', (request: ExtractRequest) => {
  queue = queue.then(async () => {
    let reply: ExtractReply;
    try {
      reply = { id: request.id, record: await extractFile(root, request.file) };
    } catch (error) {
      reply = { id: request.id, error: error instanceof Error ? error.message : String(error) };
    }
    port.postMessage(reply);
  });
});
