// Imported first by the entry points (the server, the CLI), so that it precedes every allocation.
//
// V8 counts the memory of Buffers, which lives outside its heap, apart from the heap: by default
// every ~64 MB of new Buffers starts a full collection of the whole heap. A web process receives
// each photo as a stream of freshly allocated 64 KB body chunks, so under upload load that was a
// full collection every few uploads (39 in a 250-claim `bench:intake` run) although the chunks
// die young. With this flag V8 counts Buffers within the heap's one growth limit instead (5 full
// collections in the same run). It is set here because NODE_OPTIONS does not carry V8 flags. An
// operator who gives the flag on the command line, in either form (`--no-…` keeps V8's default),
// is obeyed.
import v8 from 'node:v8';

const FLAG = 'external-memory-accounted-in-global-limit';
if (!process.execArgv.some((arg) => arg.replaceAll('_', '-').endsWith(FLAG))) {
  v8.setFlagsFromString(`--${FLAG}`);
}
