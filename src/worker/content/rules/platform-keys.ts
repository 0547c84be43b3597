// Code hosts and registries (codeToken), payments (paymentKey), messaging (messagingToken) and
// the platforms with fixed prefixes (platformToken), by their documented prefixes. Worker zone;
// pure.

import { family, type KeyShape } from './families.js';

export const CODE_TOKENS: readonly KeyShape[] = [
  { what: 'GitHub tokens (personal, OAuth, user-to-server, server-to-server, refresh)', source: 'gh[pousr]_[A-Za-z0-9]{36,}', marks: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_'] },
  { what: 'GitHub fine-grained personal access tokens', source: 'github_pat_[A-Za-z0-9_]{50,}', marks: ['github_pat_'] },
  { what: 'GitLab tokens (personal, deploy, runner, trigger, feed, OAuth, …)', source: 'gl(?:pat|dt|rt|ptt|ft|soat|cbt|oas|imt|agent)-[A-Za-z0-9_-]{20,}', marks: ['glpat-', 'gldt-', 'glrt-', 'glptt-', 'glft-', 'glsoat-', 'glcbt-', 'gloas-', 'glimt-', 'glagent-'] },
  { what: 'GitLab runner registration tokens', source: 'GR1348941[A-Za-z0-9_-]{20,}', marks: ['GR1348941'] },
  { what: 'npm access tokens', source: 'npm_[A-Za-z0-9]{36}', marks: ['npm_'] },
  // A PyPI token is a macaroon whose first bytes always encode the location pypi.org.
  { what: 'PyPI upload tokens', source: 'pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,}', marks: ['pypi-AgEIcHlwaS5vcmc'] },
  { what: 'Docker Hub personal and organization tokens', source: 'dckr_(?:pat|oat)_[A-Za-z0-9_-]{20,}', marks: ['dckr_'] },
];

export const PAYMENT_KEYS: readonly KeyShape[] = [
  { what: 'Stripe secret and restricted keys, live and test', source: '[sr]k_(?:live|test)_[A-Za-z0-9]{20,}', marks: ['k_live_', 'k_test_'] },
  { what: 'Stripe webhook signing secrets', source: 'whsec_[A-Za-z0-9]{32,}', marks: ['whsec_'] },
  { what: 'Braintree / PayPal access tokens', source: 'access_token\\$production\\$[a-z0-9]{16}\\$[a-f0-9]{32}', marks: ['access_token$production$'] },
];

export const MESSAGING_TOKENS: readonly KeyShape[] = [
  { what: 'Slack tokens (bot, user, app-level, config, refresh)', source: '(?:xox[abposrce]|xapp)-[A-Za-z0-9-]{10,}', marks: ['xox', 'xapp-'] },
  { what: 'Slack webhooks', source: 'https://hooks\\.slack\\.com/(?:services|workflows|triggers)/[A-Za-z0-9_/-]{20,}', marks: ['hooks.slack.com/'] },
  { what: 'Discord webhooks', source: 'https://(?:ptb\\.|canary\\.)?discord(?:app)?\\.com/api/webhooks/[0-9]{5,30}/[A-Za-z0-9_-]{20,}', marks: ['/api/webhooks/'] },
  // Twilio: an API key SID (SK) or account SID (AC), then 32 lower-case hex digits.
  { what: 'Twilio API key and account SIDs', source: '(?:SK|AC)[0-9a-f]{32}', marks: ['SK', 'AC'] },
  { what: 'SendGrid API keys', source: 'SG\\.[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{43}', marks: ['SG.'] },
  { what: 'Telegram bot tokens', source: '[0-9]{8,10}:AA[A-Za-z0-9_-]{33}', marks: [':AA'], marker: ':AA' },
  { what: 'Mailchimp API keys', source: '[0-9a-f]{32}-us[0-9]{1,2}', marks: ['-us'], marker: '-us' },
  { what: 'Mailgun API keys', source: 'key-[0-9a-f]{32}', marks: ['key-'] },
];

export const PLATFORM_TOKENS: readonly KeyShape[] = [
  { what: 'Databricks personal access tokens', source: 'dapi[0-9a-f]{32}(?:-[0-9])?', marks: ['dapi'] },
  { what: 'DigitalOcean tokens (personal, OAuth, refresh)', source: 'do[opr]_v1_[0-9a-f]{64}', marks: ['_v1_'] },
  { what: 'Shopify tokens (admin, custom app, private app, shared secret)', source: 'shp(?:at|ca|pa|ss)_[0-9a-fA-F]{32}', marks: ['shp'] },
  { what: 'Linear API keys', source: 'lin_api_[A-Za-z0-9]{40}', marks: ['lin_api_'] },
  { what: 'Postman API keys', source: 'PMAK-[0-9a-f]{24}-[0-9a-f]{34}', marks: ['PMAK-'] },
  { what: 'New Relic user keys', source: 'NRAK-[A-Z0-9]{27}', marks: ['NRAK-'] },
  { what: 'Sentry auth tokens', source: 'sntry[su]_[A-Za-z0-9+/=_]{30,}', marks: ['sntry'], broken: true },
  { what: 'Grafana service-account and cloud tokens', source: '(?:glsa_[A-Za-z0-9]{32}_[0-9a-f]{8}|glc_[A-Za-z0-9+/]{32,}={0,2})', marks: ['glsa_', 'glc_'], broken: true },
  { what: 'Pulumi access tokens', source: 'pul-[0-9a-f]{40}', marks: ['pul-'] },
  { what: 'Supabase tokens and secret keys', source: '(?:sbp_[0-9a-f]{40}|sb_secret_[A-Za-z0-9_-]{20,})', marks: ['sbp_', 'sb_secret_'] },
  { what: 'PlanetScale tokens and passwords', source: 'pscale_(?:tkn|pw|oauth)_[A-Za-z0-9_.-]{32,}', marks: ['pscale_'], broken: true },
  { what: 'Doppler tokens', source: 'dp\\.(?:pt|st|sa|ct|scim|audit)\\.[A-Za-z0-9]{40,}', marks: ['dp.'] },
  { what: 'Notion integration tokens', source: '(?:ntn_[A-Za-z0-9]{40,}|secret_[A-Za-z0-9]{43})', marks: ['ntn_', 'secret_'] },
  { what: 'Atlassian API tokens', source: 'ATATT3[A-Za-z0-9_=-]{100,}', marks: ['ATATT3'] },
  { what: 'Heroku API keys', source: 'HRKU-[A-Za-z0-9_-]{60,}', marks: ['HRKU-'] },
  { what: 'HashiCorp Vault tokens', source: 'hv[sb]\\.[A-Za-z0-9_-]{90,}', marks: ['hvs.', 'hvb.'] },
  { what: 'Terraform Cloud tokens', source: '[A-Za-z0-9]{14}\\.atlasv1\\.[A-Za-z0-9_=-]{60,}', marks: ['.atlasv1.'], marker: '.atlasv1.' },
  { what: 'age secret keys', source: 'AGE-SECRET-KEY-1[0-9A-Z]{58}', marks: ['AGE-SECRET-KEY-1'] },
];

export const codeToken = family('codeToken', CODE_TOKENS);
export const paymentKey = family('paymentKey', PAYMENT_KEYS);
export const messagingToken = family('messagingToken', MESSAGING_TOKENS);
export const platformToken = family('platformToken', PLATFORM_TOKENS);
