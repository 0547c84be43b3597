// A fake OpenAI-compatible provider for bench/wire-capture.mjs, in its own process (its CPU is
// not the measured thread's): POST /v1/chat/completions answers a JSON chat completion, or, when
// the request says stream, `chunks` SSE chunks (the request's `n`) and a usage chunk. Prints its
// port on its first line; ends when its stdin closes.
import { createServer } from 'node:http';

const completion = JSON.stringify({
  id: 'chatcmpl-bench', object: 'chat.completion', created: 1_764_000_000, model: 'gpt-4o-mini-2024-07-18',
  choices: [{ index: 0, finish_reason: 'stop', logprobs: null, message: { role: 'assistant', content: 'Hello! How can I help you today?', refusal: null } }],
  usage: { prompt_tokens: 12, completion_tokens: 9, total_tokens: 21, prompt_tokens_details: { cached_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 0 } },
});
const chunk = (delta, finish) => `data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1_764_000_000, model: 'gpt-4o-mini-2024-07-18',
  choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }], usage: null })}\n\n`;
const usage = `data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1_764_000_000, model: 'gpt-4o-mini-2024-07-18', choices: [],
  usage: { prompt_tokens: 12, completion_tokens: 9, total_tokens: 21 } })}\n\ndata: [DONE]\n\n`;
const streams = new Map();
function stream(n) {
  let s = streams.get(n);
  if (s === undefined) {
    const parts = [chunk({ role: 'assistant', content: '' }, null)];
    for (let i = 1; i < n - 1; i++) parts.push(chunk({ content: ` w${i}` }, null));
    parts.push(chunk({}, 'stop'));
    s = parts;
    streams.set(n, s);
  }
  return s;
}

const server = createServer((req, res) => {
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    const m = /"stream":true.*"n":(\d+)/.exec(body);
    if (m === null) {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(completion) });
      res.end(completion);
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    // Each chunk its own write: the client receives them as separate body chunks, as from a provider.
    const parts = stream(Number(m[1]));
    let i = 0;
    const next = () => {
      if (i < parts.length) {
        res.write(parts[i++]);
        setImmediate(next);
      } else res.end(usage);
    };
    next();
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: server.address().port })));
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
