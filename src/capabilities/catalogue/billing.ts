/** Billing signals shared by payment-records and webhook-idempotency: priced tables and payment-provider columns. */
import type { Catalog, Column, Table } from '../../catalog/model.js';
import { foreignKeys, findTable } from '../../catalog/helpers.js';
import { MONEY_NON_AMOUNT_WORDS, MONEY_WORDS } from '../../rules/lexicon.js';
import { label, lastWord, nw, reviewed } from '../match.js';

/** Payment providers whose name prefixes columns: `stripe_customer_id`, `paddleSubscriptionId`. */
export const PAYMENT_PROVIDERS: readonly string[] = [
  'stripe', 'paddle', 'braintree', 'paypal', 'lemonsqueezy', 'lemon', 'chargebee', 'recurly', 'revenuecat', 'adyen', 'mollie',
  'razorpay', 'square', 'polar', 'gocardless', 'mercadopago', 'paystack', 'flutterwave', 'iap', 'appstore', 'playstore',
];

const DISPLAY: Readonly<Record<string, string>> = {
  paypal: 'PayPal', lemonsqueezy: 'Lemon Squeezy', lemon: 'Lemon Squeezy', revenuecat: 'RevenueCat', gocardless: 'GoCardless',
  mercadopago: 'Mercado Pago', appstore: 'the App Store', playstore: 'Google Play', iap: 'in-app purchases',
};

export function providerName(p: string): string {
  return DISPLAY[p] ?? `${p.charAt(0).toUpperCase()}${p.slice(1)}`;
}

/** Tables that sell something: subscriptions, plans, prices, orders. */
const BILLING_TABLE_WORDS = ['subscription', 'plan', 'price', 'pricing', 'order', 'checkout', 'tier', 'package'];

const NUMERIC = new Set(['int2', 'int4', 'int8', 'numeric', 'float4', 'float8', 'money']);

export function moneyColumn(t: Table): Column | undefined {
  return t.columns.find((c) => {
    if (!NUMERIC.has(c.domainBaseType ?? c.typeName) || c.isArray) return false;
    const w = nw(c.name);
    return w.some((x) => MONEY_WORDS.includes(x) || x === 'cents') && !w.some((x) => MONEY_NON_AMOUNT_WORDS.includes(x));
  });
}

export function providerColumns(catalog: Catalog): Array<{ table: Table; column: Column; provider: string }> {
  const out: Array<{ table: Table; column: Column; provider: string }> = [];
  for (const t of reviewed(catalog)) {
    for (const c of t.columns) {
      const first = nw(c.name)[0] ?? '';
      if (PAYMENT_PROVIDERS.includes(first) && nw(c.name).length > 1) out.push({ table: t, column: c, provider: first });
    }
  }
  return out;
}

/** A table that sells something, confirmed by a price, a payment-provider column or an FK to another such table. */
export function billingTables(catalog: Catalog): Array<{ table: Table; why: string }> {
  const named = reviewed(catalog).filter((t) => BILLING_TABLE_WORDS.includes(lastWord(t.name)));
  const out: Array<{ table: Table; why: string }> = [];
  for (const t of named) {
    const money = moneyColumn(t);
    const provider = t.columns.find((c) => PAYMENT_PROVIDERS.includes(nw(c.name)[0] ?? '') && nw(c.name).length > 1);
    const ref = foreignKeys(t).map((fk) => fk.references && findTable(catalog, fk.references.schema, fk.references.table))
      .find((p): p is Table => !!p && p !== t && named.includes(p) && moneyColumn(p) !== undefined);
    if (money) out.push({ table: t, why: `\`${label(t)}\` has a price (\`${money.name}\`)` });
    else if (provider) out.push({ table: t, why: `\`${label(t)}\` is billed through ${providerName(nw(provider.name)[0] ?? '')} (\`${provider.name}\`)` });
    else if (ref) out.push({ table: t, why: `\`${label(t)}\` references the priced \`${label(ref)}\`` });
  }
  return out;
}

/** The table payments belong to: a subscription or an order (not a plan or a price). */
export function payableTable(catalog: Catalog): Table | null {
  const tables = billingTables(catalog).map((b) => b.table);
  return tables.find((t) => lastWord(t.name) === 'subscription') ?? tables.find((t) => lastWord(t.name) === 'order') ?? null;
}

/** "`users.stripe_customer_id` and `invoices.stripe_invoice_id` link to Stripe", one phrase per provider. */
export function providerEvidence(catalog: Catalog, skip: readonly Table[] = []): string[] {
  const byProvider = new Map<string, string[]>();
  for (const p of providerColumns(catalog)) {
    if (skip.includes(p.table)) continue;
    byProvider.set(p.provider, [...(byProvider.get(p.provider) ?? []), `\`${label(p.table)}.${p.column.name}\``]);
  }
  return [...byProvider].map(([p, cols]) => {
    const shown = cols.slice(0, 3);
    const more = cols.length > 3 ? ` and ${cols.length - 3} more` : '';
    return `${shown.join(', ')}${more} ${cols.length > 1 ? 'link' : 'links'} to ${providerName(p)}`;
  });
}
