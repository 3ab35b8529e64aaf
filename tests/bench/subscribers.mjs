// Hub subscribers for the benchmark: one connection per learner of a learners file (the wrk script's format), opened
// with the SDK's own hub client. Prints "ready <n>" once every connection has finished its handshake, then counts the
// progressUpdated pushes it receives; on SIGTERM writes {connected, pushes} to the file named by argv[4] and exits.
// usage: node --experimental-websocket tests/bench/subscribers.mjs <api base url> <learners file> <out file>
import { readFileSync, writeFileSync } from 'node:fs';
import { connectLive } from '../../src/player/src/live.js';

const [baseUrl, learnersFile, outFile] = process.argv.slice(2);
const tokens = readFileSync(learnersFile, 'utf8').split('\n').filter(Boolean).map((line) => line.split(' ')[1]);

let connected = 0;
let pushes = 0;
const connections = tokens.map((token) => connectLive({
  baseUrl,
  getToken: async () => token,
  onMessage: (target) => { if (target === 'progressUpdated') pushes++; },
  onState: ({ state }) => {
    if (state === 'connected' && ++connected === tokens.length) console.log(`ready ${connected}`);
  },
}));

process.on('SIGTERM', () => {
  for (const connection of connections) connection.close();
  writeFileSync(outFile, JSON.stringify({ connected, pushes }));
  process.exit(0);
});
