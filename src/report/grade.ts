import type { Severity } from '../result.js';

export type GradeLetter = 'A' | 'B' | 'C' | 'D' | 'F';

export interface HealthGrade {
  grade: GradeLetter;
  /** Weighted findings per table (the number the letter is read from). */
  score: number;
  /** Sum of severity weights before normalising. */
  weighted: number;
}

/** How much one finding of each severity weighs. Info is an observation, not a defect. */
export const SEVERITY_WEIGHTS: Readonly<Record<Severity, number>> = { critical: 10, high: 4, medium: 1.5, low: 0.3, info: 0 };

/** Upper bounds (inclusive) of the score for each letter; anything above D's bound is F. */
const BOUNDS: ReadonlyArray<readonly [GradeLetter, number]> = [['A', 0.5], ['B', 1.5], ['C', 3], ['D', 6]];

/**
 * Small schemas would swing a whole letter on one finding if we divided by 1 or 2 tables, so the
 * divisor never goes below this.
 */
const MIN_TABLES = 3;

/**
 * The health grade of a review.
 *
 *   weighted = 10·critical + 4·high + 1.5·medium + 0.3·low + 0·info
 *   score    = weighted / max(tables, 3)
 *   A: score ≤ 0.5   B: ≤ 1.5   C: ≤ 3   D: ≤ 6   F: > 6
 *
 * Normalising by table count lets a 200-table schema with ten hygiene findings still earn an A
 * while a 5-table schema with the same findings does not. Any critical finding caps the grade at
 * D: a schema with an open security hole or a failing deploy is not "mostly fine" however large.
 */
export function healthGrade(counts: Readonly<Record<Severity, number>>, tables: number): HealthGrade {
  const weighted = (Object.keys(SEVERITY_WEIGHTS) as Severity[]).reduce((sum, s) => sum + SEVERITY_WEIGHTS[s] * (counts[s] ?? 0), 0);
  const score = weighted / Math.max(tables, MIN_TABLES);
  let grade: GradeLetter = BOUNDS.find(([, bound]) => score <= bound)?.[0] ?? 'F';
  if ((counts.critical ?? 0) > 0 && (grade === 'A' || grade === 'B' || grade === 'C')) grade = 'D';
  return { grade, score: Math.round(score * 100) / 100, weighted: Math.round(weighted * 100) / 100 };
}

/** The letter alone, for `summary.grade`. */
export function computeGrade(counts: Readonly<Record<Severity, number>>, tables: number): GradeLetter {
  return healthGrade(counts, tables).grade;
}
