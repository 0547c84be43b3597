// The AI providers' keys (apiKey) and the clouds' (cloudKey), by their documented prefixes.
// Worker zone; pure. Providers without a prefix (Mistral, Cohere, Azure OpenAI's hex keys) are
// caught by their context instead (secretValue: `api-key: …`, `MISTRAL_API_KEY=…`).

import { family, type KeyShape } from './families.js';

export const AI_KEYS: readonly KeyShape[] = [
  // OpenAI (legacy, project `sk-proj-`, service account `sk-svcacct-`, admin `sk-admin-`),
  // Anthropic `sk-ant-api03-`, OpenRouter `sk-or-v1-`, DeepSeek: all `sk-` and a long tail
  // that holds a digit (hyphenated words such as `sk-learn-model-selection-tools` do not).
  { what: 'OpenAI, Anthropic, OpenRouter, DeepSeek', source: 'sk-(?=[A-Za-z_-]{0,200}[0-9])[A-Za-z0-9_-]{20,}', marks: ['sk-'] },
  { what: 'Groq', source: 'gsk_[A-Za-z0-9]{40,}', marks: ['gsk_'] },
  { what: 'xAI', source: 'xai-[A-Za-z0-9]{60,}', marks: ['xai-'] },
  { what: 'Perplexity', source: 'pplx-[A-Za-z0-9]{32,}', marks: ['pplx-'] },
  { what: 'Replicate', source: 'r8_[A-Za-z0-9]{30,}', marks: ['r8_'] },
  { what: 'Hugging Face user and organization tokens', source: '(?:hf_|api_org_)[A-Za-z]{30,}', marks: ['hf_', 'api_org_'] },
  { what: 'Fireworks', source: 'fw_[A-Za-z0-9]{20,}', marks: ['fw_'] },
  { what: 'Together', source: 'tgp_v1_[A-Za-z0-9_-]{30,}', marks: ['tgp_v1_'] },
  { what: 'NVIDIA', source: 'nvapi-[A-Za-z0-9_-]{50,}', marks: ['nvapi-'] },
  { what: 'LangSmith', source: 'lsv2_(?:pt|sk)_[0-9a-f]{32}_[0-9a-f]{10}', marks: ['lsv2_'] },
  { what: 'Google API keys (Gemini, Maps, …)', source: 'AIza[0-9A-Za-z_-]{35}', marks: ['AIza'] },
];

export const CLOUD_KEYS: readonly KeyShape[] = [
  // Every prefix of an AWS key id: access keys (AKIA), temporary (ASIA), and the other
  // principals' ids; then 16 base-32 characters.
  { what: 'AWS key ids (AKIA, ASIA and the other prefixes)', source: '(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|AKPA|ANPA|ANVA|APKA|AROA|ASCA)[A-Z0-9]{16}', marks: ['A3T', 'AKIA', 'ASIA', 'ABIA', 'ACCA', 'AGPA', 'AIDA', 'AIPA', 'AKPA', 'ANPA', 'ANVA', 'APKA', 'AROA', 'ASCA'] },
  { what: 'Google OAuth client secrets', source: 'GOCSPX-[A-Za-z0-9_-]{28}', marks: ['GOCSPX-'] },
  { what: 'Google OAuth access tokens', source: 'ya29\\.[A-Za-z0-9_-]{30,}', marks: ['ya29.'] },
  // Three characters, a digit and `Q~`: the run before the marker is bounded, so that a long
  // run is read in linear time.
  { what: 'Azure AD (Entra) client secrets', source: '[A-Za-z0-9_.~-]{3}[0-9]Q~[A-Za-z0-9_.~-]{31,34}', marks: ['Q~'], marker: 'Q~' },
  { what: 'Alibaba Cloud access key ids', source: 'LTAI[A-Za-z0-9]{20}', marks: ['LTAI'] },
];

export const apiKey = family('apiKey', AI_KEYS);
export const cloudKey = family('cloudKey', CLOUD_KEYS);
