import type { Rule } from '../types.js';
import exposedMaterializedView from './exposed-materialized-view.js';
import extensionInPublic from './extension-in-public.js';
import multiplePermissivePolicies from './multiple-permissive-policies.js';
import piiUnclassified from './pii-unclassified.js';
import plaintextSecret from './plaintext-secret.js';
import rlsDisabled from './rls-disabled.js';
import rlsEnabledNoPolicy from './rls-enabled-no-policy.js';
import rlsPolicyPerRowAuthCall from './rls-policy-per-row-auth-call.js';
import securityDefinerMutableSearchPath from './security-definer-mutable-search-path.js';
import securityDefinerView from './security-definer-view.js';

export const rules: Rule[] = [
  exposedMaterializedView,
  extensionInPublic,
  multiplePermissivePolicies,
  piiUnclassified,
  plaintextSecret,
  rlsDisabled,
  rlsEnabledNoPolicy,
  rlsPolicyPerRowAuthCall,
  securityDefinerMutableSearchPath,
  securityDefinerView,
];
