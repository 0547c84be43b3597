// A SpanExporter that acknowledges every span at once. Loaded in the workers through
// `workerExporters`, and used on the main thread for the OTel SDK baseline.
export class DiscardExporter {
  export(_spans, done) {
    done({ code: 0 });
  }
  async shutdown() {}
  async forceFlush() {}
}
