/** `schemasage docs <source> --out DIR`: Markdown (+ Mermaid) and HTML documentation with an SVG ER diagram. */
import type { Command } from 'commander';

export function registerDocs(_program: Command, _setExit: (code: number) => void): void {
  // filled in by the docs work
}
