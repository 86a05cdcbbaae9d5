import type { ShadowRepo } from './shadow-repo.js';

/** A file as a tree holds it: its mode (100644, 100755, 120000 for a symlink, 160000 for a submodule) and blob. */
export interface TreeEntry {
  mode: string;
  sha: string;
}

/** One path that differs between two trees; an absent side means the file does not exist there. */
export interface TreeChange {
  path: string;
  before?: TreeEntry;
  after?: TreeEntry;
}

const NO_FILE = '000000';

/** What differs between two trees (or commits) of the shadow repository, file by file, without rename detection. */
export async function treeChanges(repo: ShadowRepo, from: string, to: string): Promise<TreeChange[]> {
  const out = await repo.run(['diff-tree', '-r', '-z', '--no-renames', '--no-commit-id', from, to]);
  const fields = out.split('\0');
  const changes: TreeChange[] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const [oldMode, newMode, oldSha, newSha] = fields[i]!.replace(/^:/, '').split(' ') as [
      string,
      string,
      string,
      string,
    ];
    changes.push({
      path: fields[i + 1]!,
      ...(oldMode !== NO_FILE && { before: { mode: oldMode, sha: oldSha } }),
      ...(newMode !== NO_FILE && { after: { mode: newMode, sha: newSha } }),
    });
  }
  return changes;
}
