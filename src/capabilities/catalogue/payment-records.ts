import type { Catalog } from '../../catalog/model.js';
import { quoteIdent, quoteLiteral } from '../../catalog/helpers.js';
import { CURRENCY_COLUMN_NAMES } from '../../rules/lexicon.js';
import type { Capability } from '../types.js';
import { label, reviewed, subjectColumn, subjectTable, usersTable, words } from '../match.js';
import {
  col, createdAtCol, createTable, fkCol, freeTableName, ownerScope, styleOf, targetOf, tenantCol, tsCol, updatedAtCol, usesCents, type ColSpec,
} from '../ddl.js';
import { billingTables, payableTable, providerColumns, providerEvidence } from './billing.js';

/** Tables that record money that moved. */
const RECORD_WORDS = ['payment', 'transaction', 'invoice', 'charge', 'receipt', 'purchase', 'ledger', 'payout'];
/** `payment_methods`, `payment_providers`, `transaction_types`: about payments, not records of them. */
const NOT_RECORDS = [
  'method', 'plan', 'term', 'setting', 'provider', 'type', 'status', 'option', 'category', 'gateway', 'config', 'configuration',
  'card', 'source', 'profile', 'customer', 'schedule',
];

export function paymentTable(catalog: Catalog): string | null {
  for (const t of reviewed(catalog)) {
    const w = words(t.name);
    if ((w.some((x) => RECORD_WORDS.includes(x)) || w.join('_').includes('billing_event')) && !w.some((x) => NOT_RECORDS.includes(x))) {
      return `\`${label(t)}\``;
    }
  }
  return null;
}

function currencyType(catalog: Catalog): string | null {
  for (const t of reviewed(catalog)) {
    const c = t.columns.find((x) => CURRENCY_COLUMN_NAMES.includes(x.name.toLowerCase()));
    if (c) return c.type;
  }
  return null;
}

const capability: Capability = {
  name: 'payment-records',
  title: 'Payment records',
  priority: 'high',
  reason:
    'The schema sells something but keeps no record of money received: refunds, disputes, receipts, revenue reports and ' +
    'tax filings all need one row per payment with its amount, currency, status and the provider\'s id — the ' +
    'provider\'s dashboard is not your ledger.',
  missing: 'nothing records payments',
  checked() {
    return ['payment table (payments, transactions, invoices, charges, receipts, purchases, ledger, …)'];
  },
  trigger(catalog) {
    const billing = billingTables(catalog);
    const providers = providerColumns(catalog);
    const evidence = [
      ...billing.slice(0, 3).map((b) => b.why),
      ...providerEvidence(catalog, billing.slice(0, 3).map((b) => b.table)),
    ];
    const b = billing[0];
    const p = providers[0];
    if (b) return { evidence, priority: 'high', ...subjectTable(b.table) };
    if (p) return { evidence, priority: 'high', ...subjectColumn(p.table, p.column) };
    return null;
  },
  recognise(catalog) {
    const what = paymentTable(catalog);
    return what ? { what } : null;
  },
  ddl(conv, { catalog, tenant }) {
    const s = styleOf(catalog, conv, tenant);
    const name = freeTableName(s, [['payment'], ['payment', 'record']]);
    const usersT = usersTable(catalog, conv);
    const users = usersT ? targetOf(usersT) : null;
    const payableT = payableTable(catalog);
    const payable = payableT ? targetOf(payableT) : null;
    // Financial records outlive what they mention: RESTRICT or SET NULL, never CASCADE (cascade-into-protected-data).
    const tenantColumn = tenantCol(tenant, 'restrict', [users, payable]);
    const payer = users
      ? fkCol(s, users, tenantColumn ? { onDelete: 'set null', notNull: false } : { onDelete: 'restrict', notNull: true })
      : null;
    const link = payable ? fkCol(s, payable, { onDelete: 'set null', notNull: false }) : null;
    const cents = usesCents(catalog);
    const amount = cents ? col(s, 'amount', 'cents') : col(s, 'amount');
    const currency = col(s, 'currency');
    const status = col(s, 'status');
    const provider = col(s, 'provider');
    const providerId = col(s, 'provider', 'payment', 'id');
    const providers = [...new Set(providerColumns(catalog).map((p) => p.provider))];
    const existingCurrency = currencyType(catalog);
    const columns: ColSpec[] = [
      ...(tenantColumn ? [tenantColumn] : []),
      ...(payer ? [payer] : []),
      ...(link ? [link] : []),
      { name: amount, type: cents ? 'bigint' : 'numeric(12,2)', notNull: true, check: `${quoteIdent(amount)} >= 0` },
      existingCurrency
        ? { name: currency, type: existingCurrency, notNull: true }
        : { name: currency, type: 'text', notNull: true, check: `${quoteIdent(currency)} ~ '^[A-Z]{3}$'` },
      {
        name: status, type: 'text', notNull: true, default: `'pending'`,
        check: `${quoteIdent(status)} IN ('pending', 'succeeded', 'failed', 'refunded', 'partially_refunded', 'disputed')`,
      },
      {
        name: provider, type: 'text', notNull: true,
        ...(providers.length === 1 ? { default: quoteLiteral(providers[0] as string) } : {}),
        ...(providers.length > 0 ? { check: `${quoteIdent(provider)} IN (${providers.map(quoteLiteral).join(', ')})` } : {}),
      },
      { name: providerId, type: 'text', unique: true },
      tsCol(s, col(s, 'paid', 'at')),
      createdAtCol(s),
      updatedAtCol(s),
    ];
    const sql = createTable(s, { name, columns, ...ownerScope('owner-read', payer) });
    return {
      sql,
      table: name,
      objects: [{ kind: 'table', schema: s.schema, name }],
      summary:
        `Add \`${name}\`: one row per payment attempt with ${cents ? 'the amount in cents' : 'an exact amount'}, currency, ` +
        `status and the provider's payment id (unique, so a retried webhook cannot record it twice).`,
      notes:
        `Write it from the provider's webhook with INSERT … ON CONFLICT (${providerId}) DO UPDATE SET ${status} = EXCLUDED.${status}. ` +
        `Never delete payments: record refunds as a status (or a refunds table referencing the payment). ` +
        (payer && !payer.notNull ? '' : `The payer FK is ON DELETE RESTRICT: anonymise users rather than deleting them once they have paid.`),
    };
  },
};

export default capability;
