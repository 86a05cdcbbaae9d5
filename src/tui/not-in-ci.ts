/**
 * Stands in for `is-in-ci` in ink (scripts/bundle-ui.mjs, vitest.config.ts). ink reads CI=true as
 * "no terminal" and then draws nothing until it exits; the UI only ever starts when stdin and
 * stdout are terminals (src/cli/run-command.ts), so a CI variable inherited by a developer's
 * shell or a test runner must not blank it.
 */
const isInCi = false;
export default isInCi;
