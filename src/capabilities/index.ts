/** The catalogue of capabilities an application may lack, in the order findings about them read best. */
import type { Capability, CapabilityName } from './types.js';
import refreshTokens from './catalogue/refresh-tokens.js';
import passwordReset from './catalogue/password-reset.js';
import emailVerification from './catalogue/email-verification.js';
import oauthAccounts from './catalogue/oauth-accounts.js';
import sessions from './catalogue/sessions.js';
import systemSettings from './catalogue/system-settings.js';
import auditLog from './catalogue/audit-log.js';
import fileUploads from './catalogue/file-uploads.js';
import userPreferences from './catalogue/user-preferences.js';
import searchHistory from './catalogue/search-history.js';
import paymentRecords from './catalogue/payment-records.js';
import webhookIdempotency from './catalogue/webhook-idempotency.js';
import invitations from './catalogue/invitations.js';

export type { Capability, CapabilityName, DdlContext, Priority, Proposal, Recognised, Trigger } from './types.js';

export const CAPABILITIES: readonly Capability[] = [
  refreshTokens, passwordReset, emailVerification, oauthAccounts, sessions, systemSettings, auditLog, fileUploads,
  userPreferences, searchHistory, paymentRecords, webhookIdempotency, invitations,
];

export function capability(name: CapabilityName): Capability {
  const c = CAPABILITIES.find((x) => x.name === name);
  if (!c) throw new Error(`unknown capability ${name}`);
  return c;
}
