/**
 * Name lexicons for name-based heuristics. Rules quote these lists in their messages as evidence
 * ("monetary names: price, amount, …"), so a reader can see why a column was judged.
 *
 * Append-only: several rule categories import from here, and changing a list changes findings.
 * Words are lowercase and matched against the words of an identifier (see `nameWords`), never as
 * substrings, so `prepaid` does not match `paid` and `update` does not match `date`.
 */

/** Split an identifier into lowercase words: `createdAt` → [created, at], `user_ID2` → [user, id2]. */
export function nameWords(name: string): string[] {
  let words = wordCache.get(name);
  if (!words) {
    words = name
      .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
      .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
      .toLowerCase()
      .split(/[^a-z0-9]+/)
      .filter((w) => w.length > 0);
    // Schemas repeat the same few thousand identifiers across every rule; bound the cache anyway.
    if (wordCache.size > 200_000) wordCache.clear();
    wordCache.set(name, words);
  }
  return words.slice();
}

const wordCache = new Map<string, string[]>();

/** Crude singular of an English plural table name: `payments` → `payment`, `categories` → `category`. */
export function singular(word: string): string {
  if (/ies$/.test(word) && word.length > 4) return `${word.slice(0, -3)}y`;
  if (/(uses|sses|xes|ches|shes)$/.test(word)) return word.slice(0, -2);
  if (/(ss|us|is)$/.test(word)) return word;
  if (/s$/.test(word) && word.length > 2) return word.slice(0, -1);
  return word;
}

/** True when `words` contains `phrase` (a word sequence such as ['api', 'key']) contiguously. */
export function hasPhrase(words: readonly string[], phrase: readonly string[]): boolean {
  for (let i = 0; i + phrase.length <= words.length; i++) {
    if (phrase.every((p, j) => words[i + j] === p)) return true;
  }
  return false;
}

/** Which entries of a lexicon (single words or `a_b` phrases) occur in an identifier's words. */
export function matchLexicon(name: string, lexicon: readonly string[]): string[] {
  const words = nameWords(name);
  let phrases = phraseCache.get(lexicon);
  if (!phrases) {
    phrases = lexicon.map((entry) => entry.split('_'));
    phraseCache.set(lexicon, phrases);
  }
  const found: string[] = [];
  for (let i = 0; i < lexicon.length; i++) if (hasPhrase(words, phrases[i] as string[])) found.push(lexicon[i] as string);
  return found;
}

const phraseCache = new WeakMap<readonly string[], string[][]>();

/**
 * Columns that hold an amount of money. A float column with one of these words is very likely
 * money; `rate`, `percent`, … (MONEY_NON_AMOUNT_WORDS) mark ratios rather than amounts.
 */
export const MONEY_WORDS: readonly string[] = [
  'price', 'amount', 'total', 'subtotal', 'cost', 'fee', 'fees', 'balance', 'revenue', 'salary', 'wage', 'payment',
  'payout', 'refund', 'tax', 'vat', 'discount', 'charge', 'credit', 'debit', 'budget', 'income', 'expense', 'earnings',
  'profit', 'tip', 'deposit', 'withdrawal', 'commission', 'msrp', 'money', 'cash', 'spend', 'paid', 'owed', 'due',
];

/** Words that make a money-looking name a ratio or a count instead: `tax_rate`, `discount_percent`. */
export const MONEY_NON_AMOUNT_WORDS: readonly string[] = [
  'rate', 'percent', 'percentage', 'pct', 'ratio', 'factor', 'multiplier', 'weight', 'score', 'count', 'qty', 'quantity',
  'days', 'date', 'at', 'id', 'type', 'status', 'currency', 'code', 'bps', 'distance', 'duration', 'hours', 'minutes',
  'seconds', 'time', 'km', 'miles', 'points', 'votes', 'rating', 'size', 'length', 'width', 'height', 'volume',
  'calories', 'temperature', 'speed', 'kg', 'lbs', 'units', 'latitude', 'longitude', 'lat', 'lng', 'ms',
];

/**
 * Rates that are prices per unit of time or work (`hourly_rate`), not ratios: money despite the
 * word `rate` in MONEY_NON_AMOUNT_WORDS.
 */
export const MONEY_RATE_PHRASES: readonly string[] = [
  'hourly_rate', 'daily_rate', 'day_rate', 'nightly_rate', 'weekly_rate', 'monthly_rate', 'pay_rate', 'billing_rate',
  'bill_rate', 'rate_per_hour', 'rate_per_day', 'room_rate', 'base_rate',
];

/** Tables whose rows are money movements or priced documents: money stored there is money for sure. */
export const MONEY_TABLE_WORDS: readonly string[] = [
  'payment', 'invoice', 'order', 'transaction', 'charge', 'refund', 'payout', 'subscription', 'price', 'ledger',
  'wallet', 'balance', 'billing', 'bill', 'receipt', 'purchase', 'sale', 'quote', 'cart', 'checkout', 'transfer',
  'withdrawal', 'deposit', 'credit', 'expense', 'salary', 'payroll', 'fee', 'donation', 'plan', 'product',
];

/** Column names that carry a currency beside an amount. */
export const CURRENCY_COLUMN_NAMES: readonly string[] = ['currency', 'currency_code', 'currency_iso', 'ccy', 'iso_currency'];

/** Credentials: values that grant access when read. Entries with `_` are word phrases. */
export const SECRET_WORDS: readonly string[] = [
  'password', 'passwd', 'pwd', 'passphrase', 'secret', 'token', 'apikey', 'api_key', 'access_key', 'secret_key',
  'private_key', 'signing_key', 'encryption_key', 'auth_key', 'session_key', 'client_secret', 'otp', 'totp',
  'credential', 'credentials', 'pin_code', 'recovery_code', 'recovery_codes', 'backup_code', 'backup_codes', 'mfa_code',
];

/** Words that say a secret-looking column already holds a hash or ciphertext. */
export const SECRET_PROTECTED_WORDS: readonly string[] = [
  'hash', 'hashed', 'digest', 'encrypted', 'enc', 'salt', 'salted', 'crypt', 'bcrypt', 'scrypt', 'argon2', 'argon',
  'sha256', 'sha512', 'hmac', 'cipher', 'ciphertext', 'sealed', 'vault',
];

/** Words that say a secret-looking column holds metadata about a secret, not the secret. */
export const SECRET_METADATA_WORDS: readonly string[] = [
  'type', 'kind', 'hint', 'prefix', 'suffix', 'last4', 'last', 'length', 'expires', 'expiry', 'expiration', 'count',
  'policy', 'url', 'uri', 'endpoint', 'name', 'label', 'scope', 'scopes', 'version', 'algorithm', 'alg', 'format',
  'strength', 'required', 'set', 'changed', 'updated', 'created', 'at', 'id', 'fingerprint', 'mask', 'masked',
  'question', 'enabled', 'verified', 'used', 'revoked', 'attempts', 'sent',
];

/** Personal data (GDPR's "personal data", HIPAA identifiers). Entries with `_` are word phrases. */
export const PII_WORDS: readonly string[] = [
  'email', 'phone', 'mobile', 'telephone', 'fax', 'ssn', 'sin', 'passport', 'birthday', 'birthdate', 'birth_date',
  'date_of_birth', 'dob', 'address', 'street', 'city', 'zip', 'zipcode', 'postcode', 'postal_code', 'first_name',
  'last_name', 'full_name', 'surname', 'given_name', 'family_name', 'maiden_name', 'gender', 'ip', 'ip_address',
  'national_id', 'tax_id', 'iban', 'card_number', 'license_number', 'latitude', 'longitude', 'geolocation',
];

/** Last words that make a name temporal and the type it should have. */
export const TEMPORAL_SUFFIXES: Readonly<Record<string, 'timestamptz' | 'date' | 'time'>> = {
  at: 'timestamptz', timestamp: 'timestamptz', datetime: 'timestamptz', ts: 'timestamptz', on: 'date', date: 'date',
  time: 'time',
};

/** Whole names (or their last word) that are temporal on their own. */
export const TEMPORAL_NAMES: Readonly<Record<string, 'timestamptz' | 'date'>> = {
  created: 'timestamptz', updated: 'timestamptz', deleted: 'timestamptz', modified: 'timestamptz', expires: 'timestamptz',
  expiry: 'timestamptz', timestamp: 'timestamptz', datetime: 'timestamptz', birthday: 'date', birthdate: 'date', dob: 'date',
  date: 'date',
};

/** `*_on` names that are relations, not dates. */
export const TEMPORAL_ON_EXCEPTIONS: readonly string[] = ['based_on', 'depends_on', 'turned_on', 'built_on', 'relies_on', 'add_on', 'log_on', 'opt_on'];

/** First words of `*_time` names that are durations (interval), not times of day. */
export const DURATION_PREFIXES: readonly string[] = [
  'lead', 'prep', 'cook', 'cooking', 'response', 'wait', 'waiting', 'run', 'read', 'reading', 'up', 'down', 'total',
  'elapsed', 'processing', 'travel', 'transit', 'delivery', 'turnaround', 'cycle', 'execution', 'duration', 'watch',
];

/** Telephone numbers and postal codes: identifiers made of digits, with leading zeros and `+`. */
export const PHONE_POSTAL_WORDS: readonly string[] = [
  'phone', 'mobile', 'telephone', 'tel', 'fax', 'msisdn', 'cell_phone', 'cell_number', 'zip', 'zipcode', 'zip_code',
  'postcode', 'postal_code', 'postal',
];

/** Network addresses that have the inet/cidr types. */
export const NETWORK_ADDRESS_WORDS: readonly string[] = [
  'ip', 'ipv4', 'ipv6', 'ip_address', 'ipaddress', 'ip_addr', 'remote_addr', 'remote_address', 'cidr', 'subnet',
];

/** Columns whose values are a small closed set (status, type, …): candidates for CHECK or enum. */
export const ENUM_LIKE_WORDS: readonly string[] = [
  'status', 'state', 'type', 'kind', 'category', 'role', 'level', 'priority', 'gender', 'stage', 'phase', 'tier', 'plan',
  'mode', 'visibility', 'severity', 'channel', 'source', 'method', 'provider', 'platform', 'frequency', 'interval', 'unit',
];

/** Tables that record events, append-only and growing without bound: they want a time index and retention. */
export const LOG_TABLE_WORDS: readonly string[] = [
  'log', 'logs', 'audit', 'audits', 'event', 'events', 'history', 'histories', 'activity', 'activities', 'trail',
  'journal', 'tracking', 'analytics', 'metric', 'metrics', 'telemetry', 'notification', 'notifications', 'webhook',
  'webhooks', 'change', 'changes', 'login', 'logins', 'visit', 'visits', 'pageview', 'pageviews', 'click', 'clicks',
];

/** Tables that hold user accounts: a password stored there is a login credential. */
export const USER_TABLE_WORDS: readonly string[] = [
  'user', 'users', 'account', 'accounts', 'member', 'members', 'customer', 'customers', 'admin', 'admins', 'employee',
  'employees', 'staff', 'login', 'logins', 'profile', 'profiles', 'person', 'people', 'client', 'clients', 'operator',
  'operators', 'student', 'students', 'patient', 'patients',
];

/** Show at most `n` lexicon entries in a message, so the evidence stays readable. */
export function lexiconSample(lexicon: readonly string[], n = 8): string {
  return `${lexicon.slice(0, n).join(', ')}${lexicon.length > n ? ', …' : ''}`;
}

/**
 * Tables whose rows are financial records a business must keep (tax, disputes, accounting) even
 * after the customer is gone. Narrower than MONEY_TABLE_WORDS: a plan or product carries a price
 * but is not a record of money that moved.
 */
export const FINANCIAL_RECORD_TABLE_WORDS: readonly string[] = [
  'payment', 'invoice', 'order', 'transaction', 'charge', 'refund', 'payout', 'ledger', 'receipt', 'purchase',
  'billing', 'withdrawal', 'deposit', 'chargeback', 'dispute', 'settlement', 'credit_note', 'wallet', 'payslip',
  'paycheck', 'payroll',
];

/** Numeric columns that record an amount that moved or is owed (not a catalog price). */
export const FINANCIAL_AMOUNT_WORDS: readonly string[] = [
  'amount', 'total', 'subtotal', 'balance', 'paid', 'refund', 'refunded', 'payout', 'debit', 'credit', 'owed',
];

/** Tables that are an audit trail by name: deleting their rows destroys evidence. */
export const AUDIT_TABLE_WORDS: readonly string[] = ['audit', 'audits', 'audit_log', 'audit_trail'];

/** Tables that record what happened (weaker than AUDIT_TABLE_WORDS: `events` may also be a calendar). */
export const HISTORY_TABLE_WORDS: readonly string[] = [
  'history', 'histories', 'event', 'events', 'activity', 'activities', 'log', 'logs', 'trail', 'changelog',
];

/** Names of the column that says when a logged event happened, best first. */
export const EVENT_TIME_COLUMN_NAMES: readonly string[] = [
  'created_at', 'occurred_at', 'inserted_at', 'logged_at', 'recorded_at', 'happened_at', 'event_time', 'event_at',
  'timestamp', 'ts', 'time', 'sent_at', 'received_at', 'created', 'created_on', 'date', 'changed_at',
];
