// The package as an app has it: the packed tarball unpacked into node_modules/ractogateway by
// test/runtimes/unpack.sh. Imported by path, because the repository's own package.json makes a
// bare `ractogateway` resolve to the repository's own dist/ (self-reference). On Deno this is what
// counts: code under node_modules runs as an npm package, with Node's globals (Buffer, process,
// Node's timers); code elsewhere gets Deno's (a timer id that is a number, before Deno 2.8).
export { RactoTracer } from '../../node_modules/ractogateway/dist/index.js';
export type { RactoTracerOptions } from '../../node_modules/ractogateway/dist/index.js';
export { instrumentAnthropic, instrumentGoogleGenAI, instrumentOpenAI } from '../../node_modules/ractogateway/dist/instrument/index.js';
