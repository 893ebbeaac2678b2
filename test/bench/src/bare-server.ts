import { createServer } from 'node:http';
import { EXAMPLE_ANALYSIS } from '@app/contract';

/**
 * The ceiling: a bare node:http server that reads and parses the same JSON bodies and answers a
 * fixed body, the service's answer to the example request (three nudges). Started as its own process,
 * like the service.
 */
const BODY = JSON.stringify(EXAMPLE_ANALYSIS);

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    // The readiness probe is a GET without a body; every benchmark request is a JSON POST.
    if (chunks.length > 0) JSON.parse(Buffer.concat(chunks).toString('utf8'));
    res.writeHead(200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(BODY),
    });
    res.end(BODY);
  });
});
server.listen(Number(process.env.PORT), '127.0.0.1');
process.once('SIGTERM', () => server.close(() => process.exit(0)));
