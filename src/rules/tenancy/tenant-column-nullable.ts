// PLACEHOLDER: replaced by the real rule (meta is the contract: id, category, default severity, enabled).
import { defineRule } from '../types.js';

export default defineRule({
  meta: {
    id: 'tenant-column-nullable',
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
