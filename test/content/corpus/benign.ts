// Texts that hold no secret though they look close to one: keywords in prose, identifiers that
// look random (UUIDs, git SHAs, digests, model ids, versions, wallet addresses), references to
// secrets instead of values. Every one must come out of redaction unchanged. Test data.
import { ALNUM, HEX, Maker } from './make.js';

export function benignTexts(m: Maker): string[] {
  const uuid = (): string => [8, 4, 4, 4, 12].map((n) => m.of(HEX, n)).join('-');
  const sha = (): string => m.of(HEX, 40);
  const texts = [
    'How do I reset my password if I forgot it?',
    'Never share your password or your API key with anyone.',
    'The secret to good bread is time.',
    'Where do I find my OpenAI API key in the dashboard?',
    'Set the OPENAI_API_KEY environment variable before running the script.',
    'Enter your password:',
    'Password: ********',
    'password = getpass.getpass("Password: ")',
    'db_password = os.environ["DB_PASSWORD"]',
    'api_key = config.openai.api_key',
    'const apiKey = process.env.OPENAI_API_KEY;',
    'api_key: ${OPENAI_API_KEY}',
    'password: <your password here>',
    '"password": null, "remember": true',
    'max_tokens: 256, temperature: 0.2, top_p: 1',
    'tokenizer: bpe, vocab_size: 50257',
    'eos_token: "</s>", pad_token: "<pad>"',
    'next_page_token: 2 of 9',
    'prompt_tokens: 1200, completion_tokens: 340, total_tokens: 1540',
    'A token is roughly four characters of English text.',
    'Bearer authentication is described in RFC 6750.',
    'Basic authentication sends the credentials base64-encoded.',
    'The secrets manager rotates keys every 90 days.',
    'secretKeyRef:\n  name: db-credentials\n  key: password',
    'sk-learn is a library; use scikit-learn instead.',
    'See sk-learn-model-selection-and-evaluation in the user guide.',
    'The task-abcdefghijklmnopqrstuvwxyz0123 finished.',
    'meet @ noon, user@localhost',
    'Visit http://localhost:8080/health or https://example.com/docs?page=2#top',
    'git clone git@github.com:acme/gateway.git',
    'ssh://git@github.com:22/acme/gateway.git',
    'The ISBN is 978-0-306-40615-7.',
    'Tracking number 1Z999AA10123456784.',
    'Call the function hash(password) and compare it with the stored hash.',
    'Is "password1" a strong password? No.',
    'See the secret: section of the chart for details.',
    'Versions: node 22.11.0, npm 10.9.0, typescript 5.6.3, 1.2.3-beta.4',
    'Released 2024-08-06T12:30:45Z; took 00:01:23.456.',
    'Use the model gpt-4o-2024-08-06 or claude-3-5-sonnet-20241022 or models/gemini-1.5-pro-002.',
    'meta-llama/Llama-3.1-70B-Instruct and mistralai/Mixtral-8x7B-Instruct-v0.1',
    'Colors: #1a2b3c, #ffffff; offsets 0x7ffe, 0xdeadbeef.',
    'pwd\n/home/me/projects',
    'PWD=/home/me/projects',
    'The key insight is that caching helps.',
    'The auth token expires after an hour; refresh it with the refresh token.',
    'It costs $1,234.56 for 12 months.',
  ];
  for (let i = 0; i < 4; i++) texts.push(`request id ${uuid()} failed, retry with ${uuid()}`);
  for (let i = 0; i < 4; i++) texts.push(`commit ${sha()} (${sha().slice(0, 7)}) reverted ${sha()}`);
  for (let i = 0; i < 3; i++) texts.push(`image sha256:${m.of(HEX, 64)}; etag "${m.of(HEX, 32)}"`);
  for (let i = 0; i < 3; i++) texts.push(`send to 0x${m.of('0123456789abcdefABCDEF', 40)} or bc1q${m.of('023456789acdefghjklmnpqrstuvwxyz', 38)}`);
  for (let i = 0; i < 3; i++) texts.push(`trace ${m.of(HEX, 32)} span ${m.of(HEX, 16)} chatcmpl-${m.of(ALNUM, 29)}`);
  for (let i = 0; i < 3; i++) texts.push(`base64 of a picture: ${m.of(`${ALNUM}+/`, 120)}==`);
  return texts;
}
