/**
 * A synthetic but realistic schema of N tables: domains of ~10 tables with FKs between them,
 * enums, partial and expression indexes, comments, a few planted problems (unindexed FKs,
 * timestamp without time zone) so the rules have work to do.
 */
export function generateSchema(tables: number): string[] {
  const out: string[] = [];
  const enums = Math.max(1, Math.floor(tables / 50));
  for (let e = 0; e < enums; e++) out.push(`CREATE TYPE status_${e} AS ENUM ('draft', 'active', 'archived', 'deleted');`);
  for (let i = 0; i < tables; i++) {
    const domain = Math.floor(i / 10);
    const parent = i % 10 === 0 ? null : domain * 10;
    const sibling = i % 10 > 1 ? i - 1 : null;
    const cols = [
      `  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY`,
      `  tenant_id bigint NOT NULL`,
      `  name text NOT NULL`,
      `  email text`,
      `  status status_${i % enums} NOT NULL DEFAULT 'draft'`,
      `  amount_cents bigint NOT NULL DEFAULT 0 CHECK (amount_cents >= 0)`,
      `  settings jsonb NOT NULL DEFAULT '{}'`,
      `  is_active boolean NOT NULL DEFAULT true`,
      parent !== null ? `  t${parent}_id bigint NOT NULL REFERENCES t${parent} (id) ON DELETE CASCADE` : `  code text UNIQUE`,
      sibling !== null ? `  t${sibling}_id bigint REFERENCES t${sibling} (id)` : `  note text`,
      i % 7 === 0 ? `  happened_at timestamp NOT NULL DEFAULT now()` : `  happened_at timestamptz NOT NULL DEFAULT now()`,
      `  created_at timestamptz NOT NULL DEFAULT now()`,
      `  updated_at timestamptz NOT NULL DEFAULT now()`,
      `  deleted_at timestamptz`,
      `  version integer NOT NULL DEFAULT 1`,
    ];
    out.push(`CREATE TABLE t${i} (\n${cols.join(',\n')}\n);`);
    if (parent !== null) out.push(`CREATE INDEX t${i}_t${parent}_id_idx ON t${i} (t${parent}_id);`);
    out.push(`CREATE INDEX t${i}_tenant_created_idx ON t${i} (tenant_id, created_at DESC) WHERE deleted_at IS NULL;`);
    out.push(`CREATE UNIQUE INDEX t${i}_lower_email_idx ON t${i} (lower(email)) WHERE email IS NOT NULL;`);
    out.push(`COMMENT ON TABLE t${i} IS 'Synthetic table ${i} of domain ${domain}';`);
    out.push(`COMMENT ON COLUMN t${i}.amount_cents IS 'Money in integer cents';`);
  }
  return out;
}
