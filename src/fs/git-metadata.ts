/**
 * Whether a path relative to the workspace root lies in git's metadata: a
 * `.git` directory (or the `.git` file of a worktree or submodule) at any
 * depth. Git runs hooks, `core.fsmonitor` and other configured programs from
 * there on the host, so nothing the model asks for may write there. Compared
 * case-insensitively, as case-insensitive file systems (macOS) resolve `.GIT`
 * to `.git`.
 */
export function isGitMetadata(relative: string): boolean {
  return relative.split(/[\\/]/).some((part) => part.toLowerCase() === '.git');
}

/** Why a write there is refused, for the model. */
export function gitMetadataRefusal(shown: string): string {
  return `${shown} is inside .git: git runs hooks and configured programs from there on the host, so the file tools never write there`;
}
