// Child side of bench/cpu.mjs: the paced load driver. Each tick records the calls due by then
// (or a fixed burst), each a fresh call object kept a while in a ring array, as a gateway keeps
// its responses, so that V8 cannot elide the allocation on the 'none' side (the driver alone).

const MODELS = ['gpt-4o', 'gpt-4o-mini', 'claude-sonnet-4-6', 'gemini-2.5-pro'];
const PROVIDERS = ['openai', 'openai', 'anthropic', 'google'];

// The calls the driver has handed out, kept as a gateway keeps its responses a while.
const held = new Array(1024).fill(null);
let seq = 0;
// With `timeBursts`: wall-clock ns spent inside the driver's synchronous bursts (the calls
// themselves, without the event loop's sleeps, wake-ups and timers in between). Wall clock, not
// schedstat: schedstat only advances at scheduler ticks and switches, too coarse for a burst.
let burstNs = 0;

/**
 * Records `calls` calls: every `tickMs` either the calls due by then at `rate` or, with `burst`,
 * `burst` more calls. `record` is null on the 'none' side. Resolves to the ms spent recording.
 */
function drive(record, calls, { rate = 0, tickMs = 5, burst = 0, timeBursts = false }) {
  const start = performance.now();
  let done = 0;
  return new Promise((resolve) => {
    const tick = () => {
      const due = burst > 0 ? Math.min(calls, done + burst) : Math.min(calls, Math.floor(((performance.now() - start) * rate) / 1000) + 1);
      const b0 = timeBursts ? performance.now() : 0;
      for (; done < due; done++) {
        const m = seq & 3;
        const call = {
          provider: PROVIDERS[m], model: MODELS[m], latencyMs: 180 + (seq & 1023), inputTokens: 900 + (seq & 511),
          outputTokens: 200 + (seq & 255), cacheHit: 'miss', toolCalls: m & 1,
        };
        held[seq & 1023] = call;
        seq++;
        if (record !== null) record(call);
      }
      if (timeBursts) burstNs += (performance.now() - b0) * 1e6;
      if (done < calls) setTimeout(tick, tickMs);
      else resolve(performance.now() - start);
    };
    tick();
  });
}

/** Zeroes the in-burst wall time (before a window that times its bursts). */
export function resetBurstNs() {
  burstNs = 0;
}

/** The in-burst wall-clock ns since the last resetBurstNs(). */
export const burstNsSoFar = () => burstNs;

/** Drives `calls` calls through `side`; on 'none' the counts come from the driver. */
export async function load(side, calls, pacing) {
  const recordMs = await drive(side.record, calls, pacing);
  side.count?.(calls);
  return recordMs;
}
