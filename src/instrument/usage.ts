// Token counts as the wrappers read them from a provider's JSON: the providers zone's rules
// (src/providers/parts.ts, shared with the wire parsers), named here for the wrappers and the AI
// SDK integration. The README's usage convention (cached and cache-write tokens are part of
// inputTokens, reasoning tokens part of outputTokens) is applied by each provider's reader, and
// CallRecord clamps the parts to their whole before recording.

export { arrayOr, count } from '../providers/parts.js';
