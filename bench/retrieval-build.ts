/*
 * The real-package indexing figure in a process of its own, so its peak
 * resident memory is the index build's alone (the parse workers count: they
 * are threads of this process). Prints one JSON line.
 *   node dist/bench/retrieval-build.js <root> <cacheDir>
 */
import { createRetriever } from '../src/context/retrieval/retriever.js';
import { median } from './report.js';

const RANKING_RUNS = 5;
const FOCUS = {
  focusText: 'Autocomplete: getOptionLabel is called with undefined when the value is cleared',
};

const [root, cacheDir] = process.argv.slice(2) as [string, string];
const started = performance.now();
const retriever = createRetriever({ root, cacheDir });
await retriever.ready();
const buildSeconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage();
let rankStarted = performance.now();
await retriever.rankFiles(FOCUS);
const firstRankingMs = performance.now() - rankStarted;
const times: number[] = [];
for (let run = 0; run < RANKING_RUNS; run++) {
  rankStarted = performance.now();
  await retriever.rankFiles(FOCUS);
  times.push(performance.now() - rankStarted);
}
await retriever.dispose();
console.log(
  JSON.stringify({
    buildSeconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    firstRankingMs,
    rankingMs: median(times),
  }),
);
