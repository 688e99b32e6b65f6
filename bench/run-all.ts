// `npm run bench [-- name...]`: runs the named benchmarks (all by default); each writes bench/results/NAME.{json,md}.
import './production-env.js'; // first: the console bench measures React's production build, as the CLI runs it
import { runAssessBench } from './assess.bench.js';
import { runAuditBench } from './audit.bench.js';
import { runHnswBench } from './hnsw.bench.js';
import { runSimulateBench } from './simulate.bench.js';
import { runConsoleBench } from './console.bench.js';
import { runGateBench } from './gate.bench.js';
import { runAttachBench } from './attach.bench.js';
import { runMerkleBench } from './merkle.bench.js';
import { runWhatifBench } from './whatif.bench.js';
import { runAdvisorBench } from './advisor.bench.js';
import { runPrometheusBench } from './prometheus.bench.js';
import { runServerBench } from './server.bench.js';
import { runRemoteConsoleBench } from './remote-console.bench.js';

const benches: Record<string, () => void | Promise<void>> = {
  assess: runAssessBench,
  audit: runAuditBench,
  hnsw: runHnswBench,
  simulate: runSimulateBench,
  console: runConsoleBench,
  gate: runGateBench,
  attach: runAttachBench,
  merkle: runMerkleBench,
  whatif: runWhatifBench,
  advisor: runAdvisorBench,
  prometheus: runPrometheusBench,
  server: runServerBench,
  'remote-console': runRemoteConsoleBench,
};

const wanted = process.argv.slice(2);
for (const name of wanted.length ? wanted : Object.keys(benches)) {
  const bench = benches[name];
  if (!bench) {
    console.error(`unknown benchmark "${name}"; known: ${Object.keys(benches).join(', ')}`);
    process.exit(2);
  }
  await bench();
}
