import { realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';

function real(dir: string): string {
  try {
    return realpathSync(dir);
  } catch {
    return path.resolve(dir);
  }
}

/**
 * Why a workspace is too broad to hand to the model, or undefined: the home
 * directory, `/`, or any directory above home would put .ssh, shell start-up
 * files and credentials within the model's reach (mounted read-write into the
 * sandbox, or plainly on the host with --sandbox none).
 */
export function homeWorkspaceRisk(workspace: string): string | undefined {
  const dir = real(workspace);
  const home = real(homedir());
  if (dir !== home && !home.startsWith(dir.endsWith(path.sep) ? dir : dir + path.sep)) return undefined;
  const what =
    dir === home
      ? 'your home directory'
      : dir === path.parse(dir).root
        ? 'the root directory'
        : `a directory above your home directory`;
  return `the workspace ${dir} is ${what}: the model could read and change everything in it, .ssh and shell start-up files included`;
}
