/**
 * The HTML report: one self-contained file (inline CSS, JS and SVG; no network) for review, diff,
 * check, audit and docs. The ER diagram pans, zooms, and shows a table's columns and findings on
 * click; findings filter by severity, category and table; every fix has a copy button.
 */
import type { DocsModel } from '../docs/model.js';
import type { ErSvg } from './er-svg.js';
import type { RenderInput } from './index.js';

export interface HtmlOptions {
  /** The diagram to embed (null: the report has no diagram, e.g. an empty schema). */
  diagram: ErSvg | null;
  /** `docs` renders the documentation (decisions, relationships, per-table sections) instead of a review. */
  docs?: DocsModel;
}

export function renderHtml(_input: RenderInput, _opts: HtmlOptions): string {
  throw new Error('renderHtml: not implemented yet');
}
