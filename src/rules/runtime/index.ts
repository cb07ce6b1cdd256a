import type { Rule } from '../types.js';
import sequenceExhaustion from './sequence-exhaustion.js';
import tableBloat from './table-bloat.js';

export const rules: Rule[] = [sequenceExhaustion, tableBloat];
