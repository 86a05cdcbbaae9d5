/**
 * Commands that cannot do their job offline: package installs, clones and
 * downloads. In a sandbox without network they are asked about before they run
 * (in modes that ask), instead of failing first and being asked about after.
 * Recognised per simple command, so `cd app && npm install` counts too.
 */
const NETWORK_COMMANDS: RegExp[] = [
  /^(npm|pnpm|yarn|bun)\s+(install|i|add|ci|update|upgrade)\b/,
  /^yarn$/, // a bare `yarn` installs
  /^(pip|pip3|uv\s+pip|poetry|pipenv)\s+(install|add|sync|lock|update)\b/,
  /^python3?\s+-m\s+pip\s+install\b/,
  /^git\s+(clone|fetch|pull|push|ls-remote)\b/,
  /^git\s+submodule\s+update\b/,
  /^(curl|wget)\b/,
  /^(apt|apt-get)\s+(install|update|upgrade)\b/,
  /^cargo\s+(install|fetch|update|add)\b/,
  /^go\s+(get|install|mod\s+download)\b/,
  /^(bundle|gem)\s+install\b/,
  /^composer\s+(install|require|update)\b/,
];

/** Whether a shell command line contains a simple command that needs the network. */
export function needsNetwork(commandLine: string): boolean {
  return commandLine
    .split(/&&|\|\||[;|\n]/)
    .map((part) => part.trim().replace(/^(sudo|env(\s+\w+=\S+)*)\s+/, ''))
    .some((part) => NETWORK_COMMANDS.some((pattern) => pattern.test(part)));
}
