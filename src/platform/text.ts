/** Small text predicates and measures shared by parsers (pure). */

// Deliberately simple: one @, no spaces or brackets, a dot in the domain. Agile is the real judge.
const EMAIL_RE =
  /^[^\s@<>()[\]\\,;:"'`]+@[^\s@<>()[\]\\,;:"'`.]+(?:\.[^\s@<>()[\]\\,;:"'`.]+)*\.[^\s@<>()[\]\\,;:"'`.\d]{2,}$/u;

export function isEmail(value: string): boolean {
  return value.length <= 254 && EMAIL_RE.test(value);
}

/** Optimal string alignment distance (Levenshtein plus adjacent transpositions: `ntoe` → `note`). */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number): number => d[i]?.[j] ?? Number.POSITIVE_INFINITY;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        v = Math.min(v, at(i - 2, j - 2) + 1);
      const row = d[i];
      if (row) row[j] = v;
    }
  }
  return at(a.length, b.length);
}
