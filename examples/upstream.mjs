// A fake OpenAI upstream for the gateway example and bench/gateway.mjs: answers
// POST /v1/chat/completions at once, as OpenAI does on the wire: a chat.completion JSON body, or
// with `stream: true` server-sent `chat.completion.chunk` events, the usage chunk when
// stream_options.include_usage asks for it, and `data: [DONE]`. Run on its own
// (`node examples/upstream.mjs [port]`) it prints {"port": N} on its first line and serves
// until its stdin closes or it gets SIGINT/SIGTERM.
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';

const WORDS = ['Hello', ' from', ' the', ' fake', ' upstream.'];
const CONTENT = WORDS.join('');

function usage(body) {
  const prompt = 8 + Math.ceil(JSON.stringify(body.messages ?? '').length / 4);
  return { prompt_tokens: prompt, completion_tokens: WORDS.length, total_tokens: prompt + WORDS.length,
    prompt_tokens_details: { cached_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 0 } };
}

let seq = 0;

function completion(body) {
  return JSON.stringify({
    id: `chatcmpl-${++seq}`, object: 'chat.completion', created: Math.floor(Date.now() / 1000), model: body.model,
    choices: [{ index: 0, message: { role: 'assistant', content: CONTENT, refusal: null }, logprobs: null, finish_reason: 'stop' }],
    usage: usage(body),
  });
}

function stream(body, res) {
  const withUsage = body.stream_options?.include_usage === true;
  const head = { id: `chatcmpl-${++seq}`, object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model: body.model };
  const chunk = (choices) => `data: ${JSON.stringify(withUsage ? { ...head, choices, usage: null } : { ...head, choices })}\n\n`;
  let out = chunk([{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }]);
  for (const w of WORDS) out += chunk([{ index: 0, delta: { content: w }, logprobs: null, finish_reason: null }]);
  out += chunk([{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }]);
  if (withUsage) out += `data: ${JSON.stringify({ ...head, choices: [], usage: usage(body) })}\n\n`;
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  res.end(`${out}data: [DONE]\n\n`);
}

export function createUpstream() {
  return createServer((req, res) => {
    const parts = [];
    req.on('data', (b) => parts.push(b));
    req.on('end', () => {
      if (req.method !== 'POST' || !req.url?.startsWith('/v1/chat/completions')) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: `no route ${req.method} ${req.url}`, type: 'invalid_request_error', code: null } }));
        return;
      }
      let body;
      try {
        body = JSON.parse(Buffer.concat(parts).toString('utf8'));
      } catch {
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: 'invalid JSON body', type: 'invalid_request_error', code: null } }));
        return;
      }
      if (body.stream === true) return stream(body, res);
      res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': `req_${seq}` });
      res.end(completion(body));
    });
  });
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const server = createUpstream();
  server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
    console.log(JSON.stringify({ port: server.address().port }));
  });
  const stop = () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  };
  process.stdin.on('end', stop);
  process.stdin.resume();
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
