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

/** Each rule's parts (patterns run one after the other, counted under the rule's name). */
export const RULES: Readonly<Record<RedactionRule, readonly Rule[]>> = Object.freeze({
  privateKey: [privateKey], urlCredentials: [urlCredentials], connectionString: [connectionString], jwt: [jwt], bearerToken: [bearerToken],
  apiKey, cloudKey, codeToken, paymentKey, messagingToken, platformToken,
  awsSecretKey: [awsSecretKey], secretValue: [secretValue], cardNumber: [cardNumber], email: [email],
  iban: [iban], ssn: [ssn], ipv4: [ipv4], ipv6: [ipv6], phone: [phone],
});

export { ruleMark, type Rule } from './rule.js';
export { luhn } from './validate.js';
