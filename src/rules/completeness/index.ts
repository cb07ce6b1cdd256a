import type { Rule } from '../types.js';
import missingCapability from './missing-capability.js';

export const rules: Rule[] = [
  missingCapability,
];
