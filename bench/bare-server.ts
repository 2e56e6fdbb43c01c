// The peer the lookup benchmark measures Recallkit against: plain node:http answering one
// constant JSON body (the size of a real "not affected" answer), nothing else.
import http from 'node:http';

const body = JSON.stringify({
  affected: false,
  normalizedSerial: 'ZZ00000000ABCDEF',
  model: null,
  matches: [],
  suggestions: [],
  message: 'This serial number is not part of any recall we run.',
});
const port = Number(process.env.PORT);
http
  .createServer((request, response) => {
    response.writeHead(200, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
    });
    response.end(request.url === '/healthz' ? '{"status":"ok"}' : body);
  })
  .listen(port, '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
