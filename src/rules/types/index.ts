import type { Rule } from '../types.js';
import charN from './char-n.js';
import inconsistentColumnType from './inconsistent-column-type.js';
import jsonOverJsonb from './json-over-jsonb.js';
import moneyAsFloat from './money-as-float.js';
import moneyType from './money-type.js';
import networkAddressAsText from './network-address-as-text.js';
import phoneOrPostalAsNumber from './phone-or-postal-as-number.js';
import temporalAsText from './temporal-as-text.js';
import timestampWithoutTimeZone from './timestamp-without-time-zone.js';
import timestampZeroPrecision from './timestamp-zero-precision.js';
import timetz from './timetz.js';
import varcharN from './varchar-n.js';

export const rules: Rule[] = [
  charN,
  inconsistentColumnType,
  jsonOverJsonb,
  moneyAsFloat,
  moneyType,
  networkAddressAsText,
  phoneOrPostalAsNumber,
  temporalAsText,
  timestampWithoutTimeZone,
  timestampZeroPrecision,
  timetz,
  varcharN,
];
