/**
 * Levenshtein edit distance, small and allocation-light (two rows).
 *
 * @public
 */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (!a.length) return b.length;
  if (!b.length) return a.length;
  let prev = new Array<number>(b.length + 1);
  let curr = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    curr[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      curr[j] = Math.min(prev[j] + 1, curr[j - 1] + 1, prev[j - 1] + cost);
    }
    [prev, curr] = [curr, prev];
  }
  return prev[b.length];
}

/**
 * The candidate closest to `name` (case-insensitive edit distance), or
 * undefined when nothing is close enough to be a plausible typo.
 *
 * @public
 */
export function nearest(
  name: string,
  candidates: Iterable<string>,
): string | undefined {
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestScore = Infinity;
  for (const candidate of candidates) {
    const other = candidate.toLowerCase();
    const d = editDistance(lower, other);
    const limit = Math.max(
      2,
      Math.floor(Math.max(lower.length, other.length) / 3),
    );
    // A prefix relation (CreateRepository / CreateRepo) is a plausible slip too.
    const prefix =
      Math.min(lower.length, other.length) >= 4 &&
      (lower.startsWith(other) || other.startsWith(lower));
    if (d > limit && !prefix) continue;
    if (d < bestScore) {
      best = candidate;
      bestScore = d;
    }
  }
  return best;
}

/**
 * `did you mean "x"?` or an empty string.
 *
 * @public
 */
export function didYouMean(name: string, candidates: Iterable<string>): string {
  const n = nearest(name, candidates);
  return n ? `did you mean "${n}"?` : '';
}
