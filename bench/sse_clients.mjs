// Opens N Server-Sent Events clients on one question of `drux serve` and checks that every
// client receives every event, in order, up to the final `result` event.
//
//   node bench/sse_clients.mjs URL_OF_EVENTS CLIENTS
//
// Prints one JSON line: clients, complete (clients that saw `result`), events (per client),
// mismatched (clients whose event ids were not 1..N in order), connect_ms, total_ms.
import http from 'node:http';

const [url, clientsArg] = process.argv.slice(2);
if (!url || !clientsArg) {
  console.error('usage: node bench/sse_clients.mjs URL_OF_EVENTS CLIENTS');
  process.exit(2);
}
const clients = Number(clientsArg);
const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
const started = performance.now();

function runClient() {
  return new Promise((resolve) => {
    const seen = [];
    let buffer = '';
    let connectedAt = 0;
    const request = http.get(url, { agent, headers: { Accept: 'text/event-stream' } }, (response) => {
      connectedAt = performance.now();
      response.setEncoding('utf8');
      response.on('data', (chunk) => {
        buffer += chunk;
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let id = null;
          let event = 'message';
          for (const line of block.split('\n')) {
            if (line.startsWith('id:')) id = Number(line.slice(3).trim());
            else if (line.startsWith('event:')) event = line.slice(6).trim();
          }
          if (id !== null) seen.push({ id, event });
        }
      });
      response.on('end', () => resolve({ seen, connectedAt }));
    });
    request.on('error', (error) => resolve({ seen, connectedAt, error: error.message }));
  });
}

const outcomes = await Promise.all(Array.from({ length: clients }, runClient));
const complete = outcomes.filter((o) => o.seen.length > 0 && o.seen.at(-1).event === 'result');
const mismatched = outcomes.filter((o) => o.seen.some((e, i) => e.id !== i + 1));
const counts = outcomes.map((o) => o.seen.length);
const errors = outcomes.filter((o) => o.error).map((o) => o.error);
console.log(JSON.stringify({
  clients,
  complete: complete.length,
  events_min: Math.min(...counts),
  events_max: Math.max(...counts),
  mismatched: mismatched.length,
  errors: errors.length,
  first_error: errors[0] ?? null,
  connect_ms: Math.round(Math.max(...outcomes.map((o) => o.connectedAt)) - started),
  total_ms: Math.round(performance.now() - started),
}));
process.exit(complete.length === clients && mismatched.length === 0 ? 0 : 1);
