// PLACEHOLDER: replaced by the real rule (meta is the contract: id, category, default severity, enabled).
import { defineRule } from '../types.js';

export default defineRule({
  meta: {
    id: 'tenant-foreign-key-not-scoped',
    category: 'tenancy',
    severity: 'medium',
    title: 'TODO',
    rationale: 'TODO',
    enabledByDefault: true,
  },
  check() {
    return [];
  },
});
