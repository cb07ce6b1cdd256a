import type { Rule } from '../types.js';
import intPrimaryKey from './int-primary-key.js';
import mixedIdStrategy from './mixed-id-strategy.js';
import noPrimaryKey from './no-primary-key.js';
import preferIdentity from './prefer-identity.js';
import uuidStoredAsText from './uuid-stored-as-text.js';

export const rules: Rule[] = [intPrimaryKey, mixedIdStrategy, noPrimaryKey, preferIdentity, uuidStoredAsText];
