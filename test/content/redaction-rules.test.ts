// The rules of issue 31, each on an example of its shape, what each keeps (the key of a
// key/value pair, a URL's scheme and user), PII on request, rules chosen by name, and the count
// per rule in stats(). In memory (the calling thread runs the workers' code); through workers
// in test/e2e/redaction-counts.test.ts. Secret-looking values are built from parts.
import { describe, expect, it } from 'vitest';
import { RactoTracer } from '../pkg.js';
import { p } from './corpus/make.js';

const base = { provider: 'openai', model: 'gpt-4o', latencyMs: 5 };
const B64 = 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7';

/** The text of the one input message after redaction under `redaction`. */
function redacted(text: string, redaction: unknown = true): string {
  const t = new RactoTracer({ inMemory: true, captureContent: true, redaction: redaction as never });
  t.recordChatSpan({ ...base, input: text });
  return JSON.parse(t.spans[0]!.content!.inputMessages!)[0].parts[0].content;
}

describe('the default rules', () => {
  const armour = (edge: string, label: string): string => p('-----', edge, ' ', label, 'PRIVATE', ' KEY-----');
  it.each([
    ['a PKCS#8 private key block, whole', `key:\n${armour('BEGIN', '')}\n${B64}\n${B64.slice(0, 20)}==\n${armour('END', '')}\nbye`, 'key:\n[REDACTED:privateKey]\nbye'],
    ['an OpenSSH private key block', `${armour('BEGIN', 'OPENSSH ')}\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmU=\n${armour('END', 'OPENSSH ')}`, '[REDACTED:privateKey]'],
    ['an encrypted PEM block with its headers', `${armour('BEGIN', 'RSA ')}\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-256-CBC,0A1B2C3D4E5F\n\n${B64}\n${armour('END', 'RSA ')}`, '[REDACTED:privateKey]'],
    ['a private key block cut short, to the end of its body', `${armour('BEGIN', 'EC ')}\n${B64}\n${B64}`, '[REDACTED:privateKey]'],
    ['a URL\'s password, the user kept', 'postgres://app:pa55-w0rd@db:5432/x', 'postgres://app:[REDACTED:urlCredentials]@db:5432/x'],
    ['an Azure AccountKey', `AccountName=acme;AccountKey=${B64}==;EndpointSuffix=core.windows.net`, 'AccountName=acme;AccountKey=[REDACTED:connectionString];EndpointSuffix=core.windows.net'],
    ['an ADO.NET Password', 'Server=db;User Id=sa;Password=Tr1cky pass;Encrypt=true', 'Server=db;User Id=sa;Password=[REDACTED:connectionString];Encrypt=true'],
    ['password= in an env file, the key kept', 'DB_PASSWORD=hunter2\nDB_PORT=5432', 'DB_PASSWORD=[REDACTED:secretValue]\nDB_PORT=5432'],
    ['a JSON "password", its quotes kept', '{"user":"a","password":"s3cr\\"et"}', '{"user":"a","password":"[REDACTED:secretValue]"}'],
    ['client_secret: in YAML', 'client_id: web\nclient_secret: Zm9vYmFy123', 'client_id: web\nclient_secret: [REDACTED:secretValue]'],
    ['api_key="…" in code', "Client(api_key='abc123def456')", "Client(api_key='[REDACTED:secretValue]')"],
    ['an x-api-key header', 'x-api-key: 0123456789abcdef0123456789abcdef', 'x-api-key: [REDACTED:secretValue]'],
    ['an AWS secret access key by its name', `aws_secret_access_key = ${'wJalrXUtnFEMI/K7MDENG/bPxRfiCY'}EXAMPLEKEY`, 'aws_secret_access_key = [REDACTED:awsSecretKey]'],
    ['a Stripe restricted key', p('rk', '_live_', 'a1B2c3D4e5F6g7H8i9J0k1L2m3'), '[REDACTED:paymentKey]'],
    ['a Slack webhook', p('https://hooks.', 'slack.com/services/', 'T0AAAAAAA/B0BBBBBBB/', 'abcdefghijklmnopqrstuvwx'), '[REDACTED:messagingToken]'],
    ['an AWS temporary key id', p('AS', 'IA', 'ABCDEFGHIJKLMNOP'), '[REDACTED:cloudKey]'],
    ['a Hugging Face token', p('hf', '_', 'abcdefghijklmnopqrstuvwxyzABCDEFGH'), '[REDACTED:apiKey]'],
    ['a Databricks token', p('da', 'pi', '0123456789abcdef0123456789abcdef'), '[REDACTED:platformToken]'],
    ['an npm token', p('np', 'm_', 'abcdefghijklmnopqrstuvwxyz0123456789'), '[REDACTED:codeToken]'],
  ])('replaces %s', (_what, text, expected) => {
    expect(redacted(text)).toBe(expected);
  });

  it.each([
    ['a sentence that mentions a password', 'Please reset your password, and keep the secret.'],
    ['a prompt asking for one', 'Password:'],
    ['a reference, not a value', 'password = os.environ["DB_PASSWORD"]; api_key: ${OPENAI_KEY}; secret=getSecret()'],
    ['token counts and tokenizer settings', 'max_tokens: 256, eos_token: "</s>", total_tokens=12'],
    ['a UUID, a git SHA, a digest', '123e4567-e89b-12d3-a456-426614174000 9fceb02d0ae598e95dc970b74767f19372d61af8 sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    ['model ids and versions', 'gpt-4o-2024-08-06 claude-3-5-sonnet-20241022 node v22.11.0'],
    ['a wallet address', '0x742d35Cc6634C0532925a3b844Bc454e4438f44e'],
    ['a URL without a password, git\'s ssh form', 'https://example.com:8443/a?b=c git@github.com:acme/gw.git'],
    ['personal data, which only pii: true removes', '+1 415 555 0134, 123-45-6789, 192.168.1.20'],
  ])('leaves %s alone', (_what, text) => {
    expect(redacted(text)).toBe(text);
  });
});

describe('PII on request', () => {
  it('pii: true adds phone numbers, SSNs, IBANs, IPv4 and IPv6 addresses to the defaults', () => {
    expect(redacted('call +44 20 7946 0958 or (415) 555-0134; SSN 078-05-1120; IBAN GB82 WEST 1234 5698 7654 32; from 203.0.113.7 / 2001:db8::8a2e:370:7334; mail a@b.io', { pii: true }))
      .toBe('call [REDACTED:phone] or [REDACTED:phone]; SSN [REDACTED:ssn]; IBAN [REDACTED:iban]; from [REDACTED:ipv4] / [REDACTED:ipv6]; mail [REDACTED:email]');
  });

  it('validates what it can: an IBAN with a wrong check, an SSN out of range, an octet over 255 stay', () => {
    const text = 'GB83 WEST 1234 5698 7654 32, 666-12-3456, 900-12-3456, 123-00-4567, 256.1.1.1, 4111 1111 1111 1112';
    expect(redacted(text, { pii: true })).toBe(text);
  });

  it('runs a PII rule chosen by name alone, and the rules by name in their own order', () => {
    expect(redacted('ip 10.0.0.1, ssn 078-05-1120, a@b.io', { rules: ['ipv4'] })).toBe('ip [REDACTED:ipv4], ssn 078-05-1120, a@b.io');
    expect(redacted('ip 10.0.0.1, ssn 078-05-1120, a@b.io', { rules: ['email'], pii: true })).toBe('ip [REDACTED:ipv4], ssn [REDACTED:ssn], [REDACTED:email]');
    expect(redacted('ip 10.0.0.1, ssn 078-05-1120, a@b.io', { rules: false, pii: true })).toBe('ip [REDACTED:ipv4], ssn [REDACTED:ssn], a@b.io');
  });
});

describe('counted', () => {
  it('stats().redactions counts each rule\'s replacements, zero for the rules on that caught nothing', () => {
    const t = new RactoTracer({ inMemory: true, captureContent: true, redaction: { rules: ['email', 'secretValue', 'ipv4'] } });
    t.recordChatSpan({ ...base, input: 'a@b.io and c@d.io', output: 'password=x1y2z3' });
    t.recordChatSpan({ ...base, input: 'e@f.io', system: 'no secrets here' });
    expect(t.stats().redactions).toEqual({ secretValue: 1, email: 3, ipv4: 0 });
  });

  it('stats().redactions is empty when content is not captured', () => {
    expect(new RactoTracer({ inMemory: true }).stats().redactions).toEqual({});
  });
});
