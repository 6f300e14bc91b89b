/**
 * Difference between two list snapshots, each given as id → content hash. Added and changed
 * entities are rescreened against the customer base; removed ones close open hits.
 */

export interface SnapshotDiff {
  added: string[];
  changed: string[];
  removed: string[];
}

export function diffSnapshots(previous: Map<string, string>, next: Map<string, string>): SnapshotDiff {
  const added: string[] = [];
  const changed: string[] = [];
  const removed: string[] = [];
  for (const [id, hash] of next) {
    const before = previous.get(id);
    if (before === undefined) added.push(id);
    else if (before !== hash) changed.push(id);
  }
  for (const id of previous.keys()) if (!next.has(id)) removed.push(id);
  // Sorted output makes the diff itself deterministic, whatever order the snapshots were built in.
  return { added: added.sort(), changed: changed.sort(), removed: removed.sort() };
}
