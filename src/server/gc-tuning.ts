// Imported first by the entry points (the server, the CLI), so that it precedes every allocation.
//
// By default every ~64 MB of new Buffers starts a full collection of V8's whole heap, and a web
// process receives each photo as freshly allocated body chunks that die young. With this flag V8
// counts Buffers within the heap's one growth limit instead (docs/decisions/0009). It is set here
// because NODE_OPTIONS does not carry V8 flags; a flag given on the command line, in either form
// (`--no-…` keeps V8's default), is obeyed.
import v8 from 'node:v8';

const FLAG = 'external-memory-accounted-in-global-limit';
if (!process.execArgv.some((arg) => arg.replaceAll('_', '-').endsWith(FLAG))) {
  v8.setFlagsFromString(`--${FLAG}`);
}
