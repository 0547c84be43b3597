// A SpanExporter that acknowledges every span at once. Loaded in the workers through
// `workerExporters`, and used on the main thread for the OTel SDK baseline.
export class DiscardExporter {
  export(_spans, done) {
    done({ code: 0 });
  }
  async shutdown() {}
  async forceFlush() {}
}

// A SpanExporter that never answers (until shutdown): the drain loop keeps its batch in flight, so
// a small ring stays full and every later record call takes the full-ring path (bench/hot-path.mjs).
export class HangingExporter {
  #pending = [];
  export(_spans, done) {
    this.#pending.push(done);
  }
  async shutdown() {
    for (const done of this.#pending.splice(0)) done({ code: 1, error: new Error('shut down') });
  }
  async forceFlush() {}
}
