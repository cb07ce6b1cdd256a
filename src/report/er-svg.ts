/**
 * The ER diagram as SVG, laid out by Graphviz running as WASM (@hpcc-js/wasm-graphviz): no browser,
 * no network. Used by `docs` (schema.svg) and by the HTML report (inline, pan/zoom, click a table).
 *
 * Contract (the HTML report's script and its browser test rely on it):
 * - every drawn table is one `<g class="node">` whose `id` is `table:<schema>.<name>`;
 * - every drawn foreign key is one `<g class="edge">` whose `id` is `fk:<schema>.<table>.<constraint>`;
 * - the SVG has a viewBox and no external references (fonts, images, links).
 */
import type { Catalog } from '../catalog/model.js';

export interface ErSvgOptions {
  /** Only these tables (`schema.name` keys); default: every user table that is not a partition. */
  tables?: readonly string[];
  /** Table keys to draw highlighted (e.g. tables with findings), keyed to the worst severity. */
  highlight?: ReadonlyMap<string, 'critical' | 'high' | 'medium' | 'low' | 'info'>;
  /** Draw every column (docs) or only key columns (the default, for big schemas). */
  columns?: 'keys' | 'all';
}

export interface ErSvg {
  svg: string;
  /** Tables drawn / tables in the catalog. */
  shown: number;
  total: number;
  /** The Graphviz engine used: `dot` for small schemas, `fdp` with domain clusters for large ones. */
  engine: 'dot' | 'fdp';
  /** Foreign keys not drawn as edges (to hub tables in large schemas), each still listed in the docs. */
  elidedEdges: number;
}

export async function erSvg(_catalog: Catalog, _opts: ErSvgOptions = {}): Promise<ErSvg> {
  throw new Error('erSvg: not implemented yet');
}
