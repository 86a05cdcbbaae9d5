/**
 * Commands that cannot do their job offline: package installs, clones and
 * downloads. In a sandbox without network they are asked about before they run
 * (in modes that ask), instead of failing first and being asked about after.
 * Recognised per simple command, so `cd app && npm install` counts too, and
 * by the command's name, so `/usr/bin/curl` and `timeout 60 npm ci` do. A
 * command this misses costs a run that fails offline, then the same question:
 * the sandbox, not this list, keeps the network closed.
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

/**
 * What may come before the command itself and does not change what it does:
 * `sudo`, `env`, `command`, `nice`, `timeout 60`, `VAR=value`, any number of them.
 */
const WRAPPERS = /^(?:(?:sudo|env|command|exec|nice|nohup|time)\s+|timeout\s+\S+\s+|\w+=\S*\s+)+/;

/** Whether a shell command line contains a simple command that needs the network. */
export function needsNetwork(commandLine: string): boolean {
  return commandLine
    .split(/&&|\|\||[;|\n]/)
    .map((part) =>
      part
        .trim()
        .replace(WRAPPERS, '')
        .replace(/^\/\S*\//, ''),
    )
    .some((part) => NETWORK_COMMANDS.some((pattern) => pattern.test(part)));
}
