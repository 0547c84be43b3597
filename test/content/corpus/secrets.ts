// The secrets corpus: each kind a gateway's prompts may carry, made up in its documented shape
// (make.ts), in the contexts users paste them in. Test data; built at run time.
import { ALNUM, B64, B64URL, DIGITS, HEX, LOWER, Maker, UPPER, p } from './make.js';

export interface Case {
  kind: string;
  /** The rule expected to catch it (the README's table). */
  rule: string;
  text: string;
  /** What must not be in the redacted text. */
  secret: string;
}

/** Where a bare key turns up in a prompt. */
const CONTEXTS: readonly ((s: string) => string)[] = [
  (s) => `Here is my key: ${s}, why does the request fail?`,
  (s) => `client = Client(key="${s}", timeout=30)`,
  (s) => `{"service": "billing", "credential": "${s}"}`,
  (s) => `Error 401: the key ${s} was rejected`,
  (s) => `token\n${s}\n`,
];

/** A PEM block of `label` around `lines` lines of base64 (and the encrypted form's headers). */
function pem(m: Maker, label: string, lines: number, headers = ''): string {
  const body = Array.from({ length: lines }, () => m.of(B64, 64)).join('\n');
  const armour = (edge: string): string => p('-----', edge, ' ', label ? `${label} ` : '', 'PRIVATE', ' KEY', '-----');
  return `${armour('BEGIN')}\n${headers}${body}\n${m.of(B64, 20)}==\n${armour('END')}`;
}

export function secretCases(m: Maker): Case[] {
  const keys: [string, string, () => string][] = [
    ['OpenAI legacy key', 'apiKey', () => p('sk', '-', m.of(ALNUM, 20), 'T3Blbk', 'FJ', m.of(ALNUM, 20))],
    ['OpenAI project key', 'apiKey', () => p('sk', '-proj-', m.of(B64URL, 156))],
    ['OpenAI service-account key', 'apiKey', () => p('sk', '-svcacct-', m.of(B64URL, 120))],
    ['Anthropic key', 'apiKey', () => p('sk', '-ant-', 'api03-', m.of(B64URL, 93), 'AA')],
    ['Anthropic admin key', 'apiKey', () => p('sk', '-ant-', 'admin01-', m.of(B64URL, 93), 'AA')],
    ['OpenRouter key', 'apiKey', () => p('sk', '-or-v1-', m.of(HEX, 64))],
    ['Groq key', 'apiKey', () => p('gs', 'k_', m.of(ALNUM, 52))],
    ['xAI key', 'apiKey', () => p('xa', 'i-', m.of(ALNUM, 80))],
    ['Perplexity key', 'apiKey', () => p('pp', 'lx-', m.of(ALNUM, 48))],
    ['Replicate token', 'apiKey', () => p('r8', '_', m.of(ALNUM, 37))],
    ['Hugging Face token', 'apiKey', () => p('hf', '_', m.of(LOWER + UPPER, 34))],
    ['Fireworks key', 'apiKey', () => p('fw', '_', m.of(ALNUM, 24))],
    ['Together key', 'apiKey', () => p('tgp', '_v1_', m.of(B64URL, 43))],
    ['Google API key', 'apiKey', () => p('AI', 'za', 'Sy', m.of(B64URL, 33))],
    ['AWS access key id', 'cloudKey', () => p('AK', 'IA', m.of(UPPER + '234567', 16))],
    ['AWS temporary key id', 'cloudKey', () => p('AS', 'IA', m.of(UPPER + '234567', 16))],
    ['Google OAuth client secret', 'cloudKey', () => p('GOC', 'SPX-', m.of(B64URL, 28))],
    ['Azure AD client secret', 'cloudKey', () => p(m.of(ALNUM, 3), '8', 'Q~', m.of(`${ALNUM}_.~-`, 34))],
    ['GitHub personal access token', 'codeToken', () => p('gh', 'p_', m.of(ALNUM, 36))],
    ['GitHub OAuth token', 'codeToken', () => p('gh', 'o_', m.of(ALNUM, 36))],
    ['GitHub server-to-server token', 'codeToken', () => p('gh', 's_', m.of(ALNUM, 36))],
    ['GitHub fine-grained token', 'codeToken', () => p('github', '_pat_', m.of(ALNUM, 22), '_', m.of(ALNUM, 59))],
    ['GitLab personal access token', 'codeToken', () => p('gl', 'pat-', m.of(B64URL, 20))],
    ['npm token', 'codeToken', () => p('np', 'm_', m.of(ALNUM, 36))],
    ['PyPI token', 'codeToken', () => p('pypi-', 'AgEIcHlwaS5vcmc', m.of(B64URL, 120))],
    ['Docker Hub token', 'codeToken', () => p('dckr', '_pat_', m.of(B64URL, 27))],
    ['Stripe live secret key', 'paymentKey', () => p('sk', '_live_', m.of(ALNUM, 99))],
    ['Stripe restricted key', 'paymentKey', () => p('rk', '_live_', m.of(ALNUM, 99))],
    ['Stripe test key', 'paymentKey', () => p('sk', '_test_', m.of(ALNUM, 24))],
    ['Stripe webhook secret', 'paymentKey', () => p('wh', 'sec_', m.of(ALNUM, 32))],
    ['Twilio API key SID', 'messagingToken', () => p('S', 'K', m.of(HEX, 32))],
    ['SendGrid key', 'messagingToken', () => p('S', 'G.', m.of(B64URL, 22), '.', m.of(B64URL, 43))],
    ['Slack bot token', 'messagingToken', () => p('xo', 'xb-', m.of(DIGITS, 12), '-', m.of(DIGITS, 13), '-', m.of(ALNUM, 24))],
    ['Slack user token', 'messagingToken', () => p('xo', 'xp-', m.of(DIGITS, 12), '-', m.of(DIGITS, 13), '-', m.of(DIGITS, 13), '-', m.of(HEX, 32))],
    ['Slack webhook', 'messagingToken', () => p('https://', 'hooks.slack.com', '/services/T', m.of(UPPER + DIGITS, 8), '/B', m.of(UPPER + DIGITS, 10), '/', m.of(ALNUM, 24))],
    ['Discord webhook', 'messagingToken', () => p('https://', 'discord.com', '/api/webhooks/', m.of(DIGITS, 18), '/', m.of(B64URL, 68))],
    ['Telegram bot token', 'messagingToken', () => p(m.of(DIGITS, 10), ':A', 'A', m.of(B64URL, 33))],
    ['Databricks token', 'platformToken', () => p('da', 'pi', m.of(HEX, 32))],
    ['DigitalOcean token', 'platformToken', () => p('do', 'p_v1_', m.of(HEX, 64))],
    ['Shopify admin token', 'platformToken', () => p('sh', 'pat_', m.of(HEX, 32))],
    ['Linear key', 'platformToken', () => p('lin', '_api_', m.of(ALNUM, 40))],
    ['Postman key', 'platformToken', () => p('PM', 'AK-', m.of(HEX, 24), '-', m.of(HEX, 34))],
    ['JSON Web Token', 'jwt', () => p('ey', 'J', m.of(B64URL, 30), '.ey', 'J', m.of(B64URL, 60), '.', m.of(B64URL, 43))],
  ];
  const cases: Case[] = [];
  keys.forEach(([kind, rule, make], i) => {
    for (let k = 0; k < 2; k++) {
      const secret = make();
      cases.push({ kind, rule, text: CONTEXTS[(i + k * 2) % CONTEXTS.length]!(secret), secret });
    }
  });

  const add = (kind: string, rule: string, secret: string, text: string): void => void cases.push({ kind, rule, text, secret });
  const awsSecret = (): string => m.of(`${ALNUM}/+`, 40);
  let s = awsSecret();
  add('AWS secret access key (credentials file)', 'awsSecretKey', s, `[default]\naws_access_key_id = ${p('AK', 'IA', m.of(UPPER, 16))}\naws_secret_access_key = ${s}\n`);
  s = awsSecret();
  add('AWS secret access key (environment)', 'awsSecretKey', s, `export AWS_SECRET_ACCESS_KEY=${s}`);
  s = awsSecret();
  add('AWS secret access key (JSON)', 'awsSecretKey', s, `{"AccessKeyId": "x", "SecretAccessKey": "${s}", "Expiration": "soon"}`);

  for (const [kind, label, headers] of [['RSA private key', 'RSA', ''], ['PKCS#8 private key', '', ''], ['OpenSSH private key', 'OPENSSH', ''],
    ['EC private key', 'EC', ''], ['DSA private key', 'DSA', ''], ['encrypted PEM private key', 'RSA', 'Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-256-CBC,ABCDEF0123456789ABCDEF0123456789\n\n'],
    ['PKCS#8 encrypted private key', 'ENCRYPTED', '']] as const) {
    const block = pem(m, label, 6, headers);
    add(kind, 'privateKey', block, `My server fails to start, here is the key file:\n${block}\nWhat is wrong?`);
  }
  const escapedBlock = pem(m, '', 4).replace(/\n/g, '\\n');
  add('private key in a service account JSON', 'privateKey', escapedBlock, `{"type": "service_account", "private_key": "${escapedBlock}\\n", "client_email": "x"}`);

  const pw = (): string => p(m.of(ALNUM, 10), '!', m.of(DIGITS, 2));
  s = pw();
  add('password in a postgres URL', 'urlCredentials', s, `DATABASE_URL=postgres://app_user:${s}@db.internal.example:5432/app`);
  s = pw();
  add('password in a redis URL', 'urlCredentials', s, `connecting to redis://:${s}@cache.example:6379/0 failed`);
  s = pw();
  add('password in a mongodb+srv URL', 'urlCredentials', s, `mongodb+srv://admin:${s}@cluster0.abcde.mongodb.net/?retryWrites=true`);
  s = pw();
  add('password in an AMQP URL', 'urlCredentials', s, `broker_url = "amqp://guest:${s}@rabbit:5672//"`);
  s = m.of(B64, 86);
  add('Azure storage connection string', 'connectionString', s, `DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=${s}==;EndpointSuffix=core.windows.net`);
  s = m.of(B64, 43);
  add('Azure Service Bus connection string', 'connectionString', s, `Endpoint=sb://acme.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=${s}=`);
  s = pw();
  add('ADO.NET connection string', 'connectionString', s, `Server=tcp:acme.database.windows.net,1433;Initial Catalog=app;User ID=sa;Password=${s};Encrypt=True;`);
  s = pw();
  add('ODBC connection string', 'connectionString', s, `Driver={ODBC Driver 18};Server=db;Uid=app;Pwd=${s};`);
  s = pw();
  add('JDBC SQL Server URL', 'connectionString', s, `jdbc:sqlserver://db:1433;databaseName=app;user=app;password=${s};`);

  const kv: [string, (v: string) => string][] = [
    ['password= in a .env file', (v) => `DB_HOST=db\nDB_PASSWORD=${v}\nDB_PORT=5432`],
    ['"password": in JSON', (v) => `{"username": "admin", "password": "${v}"}`],
    ['password: in YAML', (v) => `database:\n  user: app\n  password: ${v}\n`],
    ['client_secret: in YAML', (v) => `oauth:\n  client_id: my-app\n  client_secret: ${v}`],
    ['api_key="…" in Python', (v) => `client = Mistral(api_key="${v}")`],
    ['apiKey: in JavaScript', (v) => `const client = new Cohere({ apiKey: '${v}' });`],
    ['MISTRAL_API_KEY= in a shell', (v) => `export MISTRAL_API_KEY=${v}`],
    ['x-api-key header', (v) => `curl https://api.example.com/v1 -H "x-api-key: ${v}"`],
    ['access_token in a query string', (v) => `GET /callback?access_token=${v}&state=xyz`],
    ['auth_token in TOML', (v) => `[server]\nauth_token = "${v}"`],
    ['passwd in an ini file', (v) => `[db]\nuser = app\npasswd = ${v}`],
    ['secret: in Kubernetes-style YAML', (v) => `  webhook:\n    secret: ${v}`],
    ['GITHUB_TOKEN in a CI log', (v) => `env:\n  GITHUB_TOKEN: ${v}`],
    ['Password: in a pasted login', (v) => `Username: jdoe\nPassword: ${v}\nThanks!`],
    ['--password= on a command line', (v) => `mysql -u root --password=${v} app`],
  ];
  for (const [kind, ctx] of kv) {
    const v = m.pick([pw(), m.of(HEX, 32), m.of(ALNUM, 40)]);
    add(kind, 'secretValue', v, ctx(v));
  }

  s = m.of(`${ALNUM}._-`, 40);
  add('Bearer credentials', 'bearerToken', s, `Authorization: Bearer ${s}7`);
  s = Buffer.from(`admin:${pw()}`).toString('base64');
  add('Basic credentials', 'bearerToken', s, `curl -H 'Authorization: Basic ${s}' https://x.example`);
  for (const [kind, prefix, length] of [['Visa card', '4', 16], ['Mastercard', '51', 16], ['American Express card', '37', 15]] as const) {
    const card = m.card(prefix, length);
    const printed = length === 15 ? `${card.slice(0, 4)} ${card.slice(4, 10)} ${card.slice(10)}` : card.replace(/(\d{4})(?=\d)/g, '$1 ');
    add(kind, 'cardNumber', printed, `Please charge my card ${printed}, expiry 12/29.`);
  }
  s = `${m.of(LOWER, 6)}.${m.of(LOWER, 5)}@${m.of(LOWER, 7)}.example.com`;
  add('e-mail address', 'email', s, `Contact ${s} for access.`);
  return cases;
}
