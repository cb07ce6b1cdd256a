/** The constraint an ALTER TABLE … ADD CONSTRAINT adds, as the user wrote it, and the name Postgres gives it. */
import { quoteIdent } from '../catalog/helpers.js';
import type { Statement } from '../sources/types.js';
import { isNode, names, str, textFrom, untilComma, type Node } from './ast.js';

export interface AddedConstraint {
  node: Node;
  /** conname, or the name Postgres would generate. */
  name: string;
  named: boolean;
  columns: string[];
  /** `CONSTRAINT name CHECK (…)` / `CONSTRAINT name FOREIGN KEY (…) REFERENCES …`, without NOT VALID. */
  text: string | null;
}

export function addedConstraint(statement: Statement, cmd: Node, table: string): AddedConstraint | null {
  if (str(cmd.subtype) !== 'AT_AddConstraint' || !isNode(cmd.def) || !isNode(cmd.def.Constraint)) return null;
  const c = cmd.def.Constraint;
  const kind = str(c.contype);
  const columns = kind === 'CONSTR_FOREIGN' ? names(c.fk_attrs) : names(c.keys);
  const suffix = kind === 'CONSTR_FOREIGN' ? 'fkey' : kind === 'CONSTR_CHECK' ? 'check' : kind === 'CONSTR_PRIMARY' ? 'pkey' : 'key';
  const conname = str(c.conname);
  const generated = kind === 'CONSTR_PRIMARY' ? `${table}_pkey` : `${table}_${columns.length ? columns.join('_') : 'new'}_${suffix}`;
  const name = conname ?? generated.slice(0, 63);
  const raw = textFrom(statement, c.location);
  let text = raw === null ? null : untilComma(raw).replace(/\s+NOT\s+VALID\s*$/i, '');
  if (text !== null && !conname) text = `CONSTRAINT ${quoteIdent(name)} ${text}`;
  return { node: c, name, named: conname !== undefined, columns, text };
}
