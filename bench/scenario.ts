// What a scenario hands back to the runner: table rows and the notes that explain them.
import type { ResultRow } from './table.js';

export interface ScenarioResult {
  readonly rows: ResultRow[];
  /** Context for the rows: CPU use of each process, errors, timings. */
  readonly notes: string[];
}
