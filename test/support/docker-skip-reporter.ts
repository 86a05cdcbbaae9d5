import type { Reporter, TestModule } from 'vitest/node';

/** Ends the run with how many Docker tests were skipped and why, rather than a quiet count among the rest. */
export default class DockerSkipReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const reason = modules[0]?.project.getProvidedContext().dockerSkipReason;
    if (reason === undefined) return;
    const skipped = modules
      .flatMap((module) => [...module.children.allTests('skipped')])
      .filter((test) => test.tags.includes('docker')).length;
    process.stderr.write(`\n${skipped} Docker tests skipped: ${reason}\n\n`);
  }
}
