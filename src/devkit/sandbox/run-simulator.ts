// Dev entry: `npx tsx src/devkit/sandbox/run-simulator.ts` (PORT, default 4100).
import { startAgileSimulator } from './agile-simulator.js';

const port = Number(process.env.PORT ?? 4100);
const sim = await startAgileSimulator({ port });
console.log(`Agile CRM simulator listening: AGILE_BASE_URL=${sim.url}`);
console.log(`AGILE_EMAIL=${sim.credentials.email} AGILE_API_KEY=${sim.credentials.apiKey}`);
const stop = () => {
  void sim.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
