// Sends Segment calls through Segment's own Node.js library, @segment/analytics-node, to a
// Segment-compatible host, and reports on stdout what went over the wire; run by SegmentNodeClientIT.
//
// Usage: node send.mjs HOST WRITE_KEY CALLS_FILE
//   HOST        e.g. http://127.0.0.1:8080 (the library posts to HOST/v1/batch)
//   CALLS_FILE  JSON: [{"method": "track" | "page" | "identify" | …, "message": {…}}, …]
//
// Prints one JSON line: {"node", "library", "exchanges": [{"url", "request", "status", "reply"}], "errors"}.
// Exits 0 only when every call was delivered, 1 otherwise, 2 on bad usage.
import { readFileSync } from 'node:fs';
import { Analytics } from '@segment/analytics-node';

const METHODS = ['track', 'page', 'screen', 'identify', 'group', 'alias'];

const [host, writeKey, callsFile] = process.argv.slice(2);
if (!host || !writeKey || !callsFile) {
  console.error('usage: node send.mjs HOST WRITE_KEY CALLS_FILE');
  process.exit(2);
}
const calls = JSON.parse(readFileSync(callsFile, 'utf8'));
const unknown = calls.filter(({ method }) => !METHODS.includes(method));
if (unknown.length) {
  console.error(`unknown methods: ${unknown.map(({ method }) => method).join(', ')}; expected one of ${METHODS.join(', ')}`);
  process.exit(2);
}

const report = { node: process.version, library: null, exchanges: [], errors: [] };

// The library's own fetch-based HTTP client, observed: the library emits the status of each
// response but not its body, and the body is what explains a rejection.
async function observedFetch(url, init) {
  const response = await fetch(url, init);
  report.exchanges.push({
    url: String(url),
    request: JSON.parse(init.body),
    status: response.status,
    reply: await response.clone().text(),
  });
  return response;
}

const analytics = new Analytics({
  writeKey,
  host,
  flushAt: calls.length, // all calls in one batch, so one request carries them
  maxRetries: 0, // a failure must show, not turn into a retried request and duplicate records
  httpRequestTimeout: 60_000, // the first request after start can be slow on a loaded machine
  httpClient: observedFetch,
});
report.library = analytics.VERSION;

let delivered = 0;
for (const method of METHODS) analytics.on(method, () => delivered++);
analytics.on('error', (error) => report.errors.push({ code: error.code, reason: String(error.reason?.message ?? error.reason) }));

for (const { method, message } of calls) analytics[method](message);
await analytics.closeAndFlush({ timeout: 90_000 });

console.log(JSON.stringify(report));
process.exit(delivered === calls.length && report.errors.length === 0 ? 0 : 1);
