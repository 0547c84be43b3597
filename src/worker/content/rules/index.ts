// Every built-in redaction rule by name (the names and their order: shared/content-config.ts).
// Worker zone (and the calling thread of an in-memory tracer); pure.

import type { RedactionRule } from '../../../shared/content-config.js';
import { bearerToken, connectionString, jwt, privateKey, urlCredentials } from './credentials.js';
import { awsSecretKey, secretValue } from './key-value.js';
import { cardNumber, email } from './personal.js';
import { iban, ipv4, ipv6, phone, ssn } from './pii.js';
import { codeToken, messagingToken, paymentKey, platformToken } from './platform-keys.js';
import { apiKey, cloudKey } from './provider-keys.js';
import type { Rule } from './rule.js';

export const RULES: Readonly<Record<RedactionRule, Rule>> = Object.freeze({
  privateKey, urlCredentials, connectionString, jwt, bearerToken,
  apiKey, cloudKey, codeToken, paymentKey, messagingToken, platformToken,
  awsSecretKey, secretValue, cardNumber, email,
  iban, ssn, ipv4, ipv6, phone,
});

export { ruleMark, type Rule } from './rule.js';
export { luhn } from './validate.js';
