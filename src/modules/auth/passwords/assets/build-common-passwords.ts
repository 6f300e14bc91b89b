/**
 * Development-time generator of `common-passwords.txt.gz` (see README.md beside this file). Never
 * run by the product: the product only reads the committed asset, so nothing is downloaded at run
 * time and an offline installation checks exactly the same list.
 *
 *   node src/modules/auth/passwords/assets/build-common-passwords.ts <ranked source list> [out.gz]
 *
 * Selection, from a list ranked most common first (one password per line):
 * - the top RANKED_HEAD lines, whatever their length (the "top 100,000" the baseline asks for);
 * - every further line of at least LONG_MIN code points: with a 15-character minimum almost none
 *   of the top 100,000 could ever be chosen (72 are that long), so the long tail of breached
 *   passwords is what protects password-only sign-in; tail entries of 8 or 9 characters would
 *   add 326,473 lines, more than doubling the file.
 * Entries are lowercased (matching is case-insensitive), deduplicated and sorted by code unit, so
 * that the output is deterministic and compresses well.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const RANKED_HEAD = 100_000;
const LONG_MIN = 10;

/** Builds the sorted, lowercased, deduplicated entries from the ranked source text. */
export function selectCommonPasswords(sourceText: string): string[] {
  const lines = sourceText.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  const selected = new Set<string>();
  lines.forEach((line, rank) => {
    if (line.length === 0) return;
    if (rank < RANKED_HEAD || [...line].length >= LONG_MIN) selected.add(line.toLowerCase());
  });
  return [...selected].sort();
}

function main(argv: string[]): void {
  const [source, out = new URL('./common-passwords.txt.gz', import.meta.url).pathname] = argv;
  if (!source) throw new Error('usage: build-common-passwords.ts <ranked source list> [out.gz]');
  const sourceBytes = readFileSync(source);
  const entries = selectCommonPasswords(sourceBytes.toString('utf8'));
  const text = entries.join('\n') + '\n';
  writeFileSync(out, gzipSync(text, { level: 9 }));
  const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
  console.log(`source ${source} sha256 ${sha(sourceBytes)}`);
  console.log(`wrote ${out}: ${entries.length} entries, list sha256 ${sha(text)}`);
}

if (import.meta.main) main(process.argv.slice(2));
