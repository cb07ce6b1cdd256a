/** The JSON the report's script reads: per diagram table, its columns and the findings about it. */
import type { Catalog } from '../../catalog/model.js';
import { isPartition, tableKeysOf, userTables } from '../../catalog/helpers.js';
import { SEVERITIES, type ReviewResult, type Severity } from '../../result.js';
import { anchor } from './escape.js';
import { itemAnchor } from './findings.js';

export interface PanelFinding {
  id: string;
  severity: Severity;
  title: string;
  /** The element id of the finding's card. */
  anchor: string;
}

export interface PanelTable {
  label: string;
  comment: string | null;
  columns: Array<{ name: string; type: string; nullable: boolean; default: string | null }>;
  findings: PanelFinding[];
  /** Docs only: the element id of the table's section. */
  section?: string;
}

export interface ReportData {
  command: ReviewResult['command'];
  tables: Record<string, PanelTable>;
}

export function reportData(result: ReviewResult, catalog: Catalog, docs: boolean): ReportData {
  const byTable = new Map<string, PanelFinding[]>();
  const add = (keys: readonly string[], f: PanelFinding): void => {
    for (const k of keys) byTable.set(k, [...(byTable.get(k) ?? []), f]);
  };
  for (const f of result.findings) add(tableKeysOf(f.objects), { id: f.id, severity: f.severity, title: f.title, anchor: itemAnchor('finding', f.id) });
  for (const f of result.audit ?? []) add(tableKeysOf(f.objects), { id: f.id, severity: f.severity, title: f.title, anchor: itemAnchor('audit', f.id) });
  (result.drift ?? []).forEach((d, i) => add(tableKeysOf(d.objects), { id: `D${i + 1}`, severity: d.severity, title: `${d.kind}: ${d.actual}`, anchor: itemAnchor('drift', `D${i + 1}`) }));

  const tables: Record<string, PanelTable> = {};
  const sorted = userTables(catalog).filter((t) => !isPartition(t)).sort((a, b) => (`${a.schema}.${a.name}` < `${b.schema}.${b.name}` ? -1 : 1));
  for (const t of sorted) {
    const key = `${t.schema}.${t.name}`;
    const findings = [...(byTable.get(key) ?? [])].sort((a, b) => SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity));
    tables[key] = {
      label: t.schema === 'public' ? t.name : key,
      comment: t.comment,
      columns: t.columns.map((c) => ({ name: c.name, type: c.type, nullable: !c.notNull, default: c.default ?? (c.identity ? `identity (${c.identity})` : null) })),
      findings,
      ...(docs ? { section: anchor('table', key) } : {}),
    };
  }
  return { command: result.command, tables };
}
