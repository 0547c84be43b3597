// A tolerant server-sent-events splitter for the wire parsers. Worker thread. Reads the text of
// a whole response (text.ts decoded it once) as the WHATWG EventSource rules say, as far as the
// providers' SDKs read it: lines end with \n, \r\n or \r; `:` starts a comment; `event:` names
// the event; `data:` lines join with \n; a blank line dispatches. Linear: each line is found with
// indexOf from where the last one ended, and only `event` and `data` values are cut out.

/** One event: its `event:` name ('' when it had none) and its data. */
export type SseHandler = (event: string, data: string) => void;

/** How the text ended: 'whole' (after a blank line), 'open' (an event or line left without its blank line). */
export type SseEnd = 'whole' | 'open';

/** Calls `each` for every dispatched event of `text` (one with no data line is not dispatched, as in EventSource). */
export function splitSse(text: string, each: SseHandler): SseEnd {
  let event = '';
  let data = '';
  let dataLines = 0;
  let pending = false;
  let at = 0;
  // Where the next \n and \r are: found once each and reused until passed (a text without \r
  // would otherwise be searched to its end at every line).
  let nextLf = -2;
  let nextCr = -2;
  let nextColon = -2;
  const n = text.length;
  while (at < n) {
    if (nextLf !== -1 && nextLf < at) nextLf = text.indexOf('\n', at);
    if (nextCr !== -1 && nextCr < at) nextCr = text.indexOf('\r', at);
    const end = nextLf < 0 ? nextCr : nextCr < 0 ? nextLf : Math.min(nextLf, nextCr);
    if (end < 0) {
      // The last line has no end: a cut stream. Its content is not an event.
      return 'open';
    }
    const next = text.charCodeAt(end) === 0x0d && text.charCodeAt(end + 1) === 0x0a ? end + 2 : end + 1;
    if (end === at) {
      if (dataLines > 0) each(event, data);
      event = '';
      data = '';
      dataLines = 0;
      pending = false;
    } else if (text.charCodeAt(at) !== 0x3a) {
      pending = true;
      if (nextColon !== -1 && nextColon < at) nextColon = text.indexOf(':', at);
      const nameEnd = nextColon < 0 || nextColon > end ? end : nextColon;
      let valueStart = nameEnd === end ? end : nameEnd + 1;
      if (valueStart < end && text.charCodeAt(valueStart) === 0x20) valueStart++;
      if (nameEnd - at === 4 && text.startsWith('data', at)) {
        data = dataLines === 0 ? text.slice(valueStart, end) : `${data}\n${text.slice(valueStart, end)}`;
        dataLines++;
      } else if (nameEnd - at === 5 && text.startsWith('event', at)) {
        event = text.slice(valueStart, end);
      }
    }
    at = next;
  }
  return pending ? 'open' : 'whole';
}
