import type { Catalog, Constraint, ReferentialAction, Table } from '../../catalog/model.js';
import { columnRef, constraintRef, isPartition, qualify, quoteIdent, tableRef, userTables } from '../../catalog/helpers.js';
import {
  AUDIT_TABLE_WORDS, FINANCIAL_AMOUNT_WORDS, FINANCIAL_RECORD_TABLE_WORDS, HISTORY_TABLE_WORDS, MONEY_NON_AMOUNT_WORDS,
  hasPhrase, nameWords, singular,
} from '../lexicon.js';
import type { Severity } from '../../result.js';
import { defineRule, type FindingDraft } from '../types.js';
import { tableLabel } from '../keys/shared.js';
import { addForeignKeySql, foreignKeyClause, ownForeignKeys, referencedTable } from './shared.js';

type Kind = 'financial' | 'audit';

interface Protection {
  kind: Kind;
  strong: boolean;
  evidence: string;
}

function matches(name: string, lexicon: readonly string[]): string[] {
  const words = nameWords(name).map(singular);
  return lexicon.filter((entry) => hasPhrase(words, entry.split('_').map(singular)));
}

/** What a table holds that must survive a cascade, with the evidence. */
export function protection(table: Table): Protection | null {
  const audit = matches(table.name, AUDIT_TABLE_WORDS);
  if (audit.length > 0) return { kind: 'audit', strong: true, evidence: `its name says audit (${audit.join(', ')})` };
  const money = matches(table.name, FINANCIAL_RECORD_TABLE_WORDS);
  const amounts = table.columns.filter((c) => {
    if (c.typeCategory !== 'N' || c.isArray) return false;
    const words = nameWords(c.name);
    return FINANCIAL_AMOUNT_WORDS.some((w) => words.includes(w)) && !MONEY_NON_AMOUNT_WORDS.some((w) => words.includes(w));
  });
  if (money.length > 0 || amounts.length > 0) {
    const parts: string[] = [];
    if (money.length > 0) parts.push(`its name matches financial records (${money.join(', ')})`);
    if (amounts.length > 0) parts.push(`it has amount columns (${amounts.slice(0, 3).map((c) => `${c.name} ${c.type}`).join(', ')})`);
    return { kind: 'financial', strong: money.length > 0 && amounts.length > 0, evidence: parts.join(' and ') };
  }
  const history = matches(table.name, HISTORY_TABLE_WORDS);
  if (history.length > 0) return { kind: 'audit', strong: false, evidence: `its name says it records history (${history.join(', ')})` };
  return null;
}

interface Edge {
  parent: Table;
  child: Table;
  fk: Constraint;
}

function key(t: { schema: string; name: string }): string {
  return `${t.schema}.${t.name}`;
}

/** Every ON DELETE CASCADE edge parent → child among the catalog's tables (the shim's auth.users included as a parent). */
function cascadeEdges(catalog: Catalog): Edge[] {
  const edges: Edge[] = [];
  for (const child of userTables(catalog)) {
    if (isPartition(child)) continue;
    for (const fk of ownForeignKeys(child)) {
      if (fk.references?.onDelete !== 'cascade') continue;
      const parent = referencedTable(catalog, fk);
      if (parent) edges.push({ parent, child, fk });
    }
  }
  return edges;
}

/** The longest-known path of cascades that ends at `table`, root first (first incoming edge at each step, no cycles). */
function chainTo(table: Table, incoming: Map<string, Edge[]>): Table[] {
  const path: Table[] = [table];
  const seen = new Set([key(table)]);
  let cur = table;
  // Real chains are a handful of tables deep; the cap keeps pathological graphs linear.
  while (path.length < 16) {
    const e = (incoming.get(key(cur)) ?? []).find((x) => !seen.has(key(x.parent)));
    if (!e) break;
    path.unshift(e.parent);
    seen.add(key(e.parent));
    cur = e.parent;
  }
  return path;
}

/** Protected tables a cascade from `table` reaches further down. */
function protectedBelow(table: Table, outgoing: Map<string, Edge[]>, protectionOf: (t: Table) => Protection | null): Table[] {
  const found: Table[] = [];
  const seen = new Set([key(table)]);
  const queue = [table];
  while (queue.length > 0) {
    const cur = queue.shift() as Table;
    for (const e of outgoing.get(key(cur)) ?? []) {
      if (seen.has(key(e.child))) continue;
      seen.add(key(e.child));
      if (protectionOf(e.child)) found.push(e.child);
      queue.push(e.child);
    }
  }
  return found;
}

export default defineRule({
  meta: {
    id: 'cascade-into-protected-data',
    category: 'foreign-keys',
    severity: 'high',
    title: 'ON DELETE CASCADE reaches financial or audit records',
    rationale:
      'A cascade deletes rows nobody named in the DELETE. When the chain ends in payments, invoices or an audit log, deleting a user or an account '
      + 'silently destroys records the business must keep for accounting, disputes and compliance, and no error tells anyone. '
      + 'Such records should block the delete (RESTRICT) or outlive their parent (SET NULL), and users be anonymised instead.',
    enabledByDefault: true,
  },
  check({ catalog }) {
    const edges = cascadeEdges(catalog);
    const incoming = new Map<string, Edge[]>();
    const outgoing = new Map<string, Edge[]>();
    for (const e of edges) {
      incoming.set(key(e.child), [...(incoming.get(key(e.child)) ?? []), e]);
      outgoing.set(key(e.parent), [...(outgoing.get(key(e.parent)) ?? []), e]);
    }
    const memo = new Map<Table, Protection | null>();
    const protectionOf = (t: Table): Protection | null => {
      if (!memo.has(t)) memo.set(t, protection(t));
      return memo.get(t) ?? null;
    };
    const out: FindingDraft[] = [];
    for (const e of edges) {
      const prot = protectionOf(e.child);
      // Only the edge where the cascade enters protected data; deeper edges (orders → payments) show in its chain.
      if (!prot || (e.parent.origin === 'user' && protectionOf(e.parent))) continue;
      const ref = e.fk.references;
      if (!ref) continue;
      const chain = chainTo(e.parent, incoming);
      const below = protectedBelow(e.child, outgoing, protectionOf);
      const chainText = [...chain, e.child].map(tableLabel).join(' → ');
      const cols = e.fk.columns.map((c) => e.child.columns.find((x) => x.name === c));
      const pkCols = e.child.constraints.find((c) => c.type === 'primary key')?.columns ?? [];
      const canSetNull = prot.kind === 'audit' && e.fk.columns.every((c) => !pkCols.includes(c));
      const action: ReferentialAction = canSetNull ? 'set null' : e.fk.deferrable ? 'no action' : 'restrict';
      const t = qualify(e.child.schema, e.child.name);
      const lines: string[] = [];
      if (action === 'set null') {
        for (const c of cols) if (c?.notNull) lines.push(`ALTER TABLE ${t} ALTER COLUMN ${quoteIdent(c.name)} DROP NOT NULL;`);
      }
      lines.push(addForeignKeySql(catalog, e.child, e.fk.name, foreignKeyClause(e.fk, { onDelete: action }), { replace: e.fk.name }));
      const severity: Severity = prot.strong ? 'high' : 'medium';
      const what = prot.kind === 'financial' ? 'financial records' : 'audit/history records';
      const outcome = action === 'set null'
        ? `keep the ${e.child.name} rows and clear their link (ON DELETE SET NULL)`
        : `make the delete fail while ${e.child.name} rows exist (ON DELETE ${action === 'restrict' ? 'RESTRICT' : 'NO ACTION'}), and anonymise or archive the parent instead`;
      out.push({
        objects: [constraintRef(e.child, e.fk), ...e.fk.columns.map((c) => columnRef(e.child, c)), tableRef(e.child)],
        severity,
        message: `Deleting a row of \`${tableLabel(chain[0] as Table)}\` cascades ${chainText}: ${what} in \`${tableLabel(e.child)}\` disappear silently`
          + `${below.length > 0 ? `, and with them ${below.map(tableLabel).join(', ')}` : ''}. `
          + `Evidence that ${tableLabel(e.child)} must be kept: ${prot.evidence}${prot.strong ? '' : ' (name only)'}. `
          + `Change ${e.fk.name} to ${outcome}.`,
        details: {
          constraint: e.fk.name,
          chain: [...chain, e.child].map((x) => key(x)),
          protectedKind: prot.kind,
          evidence: prot.evidence,
          alsoReached: below.map((x) => key(x)),
          proposedAction: action,
        },
        fix: {
          sql: lines.join('\n'),
          notes: 'Dropping and re-adding the constraint in one ALTER TABLE keeps the table protected throughout; NOT VALID makes it a brief SHARE ROW EXCLUSIVE lock and '
            + 'VALIDATE re-checks existing rows without blocking writes. Code that relied on the cascade must now delete or archive the child rows itself.',
        },
      });
    }
    return out;
  },
});
