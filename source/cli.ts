#!/usr/bin/env node
// genops-tui: subcommands → one function each. Exit codes: 0 success, 2 bad input or usage (SPEC.md).
import meow from 'meow';
import { BrokenPipe, processIo, UsageError } from './commands/io.js';
import { sanitize } from './domain/sanitize.js';
// Commands load on demand: `gate` should not pay for the console's React and Ink at start-up.
const load = {
  assess: () => import('./commands/assess.js'),
  audit: () => import('./commands/audit.js'),
  auditProofs: () => import('./commands/audit-proofs.js'),
  key: () => import('./commands/key.js'),
  history: () => import('./commands/history-import.js'),
  similar: () => import('./commands/similar.js'),
  simulate: () => import('./commands/simulate.js'),
  record: () => import('./commands/record.js'),
  // React's development build re-checks every render (a frame cost 40% more): the console runs the production one.
  console: () => ((process.env.NODE_ENV ??= 'production'), import('./commands/console.js')),
  gate: () => import('./commands/gate.js'),
  engine: () => import('./commands/engine-command.js'),
  decide: () => import('./commands/decide.js'),
  token: () => import('./commands/token.js'),
  serve: () => import('./commands/serve.js'),
  quarantine: () => import('./commands/quarantine.js'),
  whatif: () => import('./commands/whatif.js'),
  evaluate: () => import('./commands/evaluate.js'),
};
import { joinDashValues } from './commands/argv.js';
import { InputError } from './io/input-error.js';
import { databaseTrouble, isDatabaseTrouble } from './store/database-trouble.js';

/**
 * meow throws (with a stack) on a flag given twice, and prints an unknown flag's name raw before exiting: both
 * become one terminal-safe line and exit 2. Flag names are made safe before meow sees them.
 */
function parseArguments<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    process.stderr.write(`error: ${sanitize(error instanceof Error ? error.message : String(error))}\nRun genops-tui --help for usage.\n`);
    process.exit(2);
  }
}
const safeFlagNames = (argv: string[]): string[] => argv.map((a) => (a.startsWith('-') ? `${sanitize(a.split('=')[0] ?? '')}${a.includes('=') ? `=${a.slice(a.indexOf('=') + 1)}` : ''}` : a));

const cli = parseArguments(() => meow(
  `
  Usage
    $ genops-tui [--readonly] [--as NAME] [--speed 60] [--paused] [--no-color] [--ascii]
    $ genops-tui --live [--db F] [--config F] [--catalog F] [--as NAME] [--readonly]
    $ genops-tui [console] --server URL [--config F] [--readonly]     (token in GENOPS_TOKEN)
    $ genops-tui replay FILE.ndjson [--speed 60] [--paused] [--db FILE] [--readonly] [--as NAME]
    $ genops-tui assess --catalog FILE --request FILE|- [--config FILE] [--history FILE] [--db FILE] [--json]
    $ genops-tui history import FILE.ndjson [--catalog FILE] [--db FILE] [--json]
    $ genops-tui similar --request FILE|- [--k 10] [--exact] [--db FILE] [--json]
    $ genops-tui audit verify|tail|export [-n 20] [--jobs N] [--deep] [--db FILE] [--json]
    $ genops-tui audit verify --checkpoint FILE --key PUBKEY [--db FILE] [--json]
    $ genops-tui audit checkpoint --key FILE [--out FILE] [--as NAME] [--db FILE]
    $ genops-tui audit prove SEQ [--size N] [--db FILE];  audit consistency OLD NEW [--db FILE]
    $ genops-tui key create [--name NAME] [--out FILE] [--json]
    $ genops-tui gate --service S --version V [--lines N --files N --migration --config-change --hotfix
                      --summary TEXT --requested-by ID --id ID] [--request F|-] [--wait 30m | --no-wait] [--db F | --server URL] [--json]
    $ genops-tui engine [--db F] [--config F] [--catalog F]
    $ genops-tui approve ID [--as NAME] [--reason TEXT] [--db F | --server URL]
    $ genops-tui reject ID --reason TEXT [--as NAME] [--db F | --server URL]
    $ genops-tui quarantine list [--db F] [--json]
    $ genops-tui serve --listen HOST:PORT [--db F] [--config F] [--catalog F] [--tls-cert F --tls-key F] [--rate-limit N] [--max-in-flight N]
    $ genops-tui token create NAME --role viewer|requester|approver|operator|admin [--expires 90d|never] [--db F] [--json]
    $ genops-tui token list|revoke NAME [--db F] [--json]
    $ genops-tui record [-n 60] [--seed 1] [--services 8] [--out FILE] [--description TEXT] [--config F]
    $ genops-tui whatif --config NEW.yaml [--baseline OLD.yaml] [FIXTURE.ndjson | --history F --catalog F | --db F] [--json]
    $ genops-tui evaluate --config F [FIXTURE.ndjson | --history F --catalog F | --db F] [-n N] [--md|--json]
    $ genops-tui simulate [-n 500] [--seed 42] [--services 20] [--autonomy governed] [--quick|--full] [--every-sample] [--db FILE] [--json|--md]

  Commands
    (none)          The operator console, replaying the bundled fixture (fixtures/replay-small.ndjson);
                    with --live it runs the engine itself over the database, for gates to submit to,
                    or attaches to the engine another process runs there
    replay          The console replaying a recorded fixture; the database is data/replay.db, recreated
    assess          Score a deployment request and decide: proceed, await approval or blocked
    history import  Import finished deployments (NDJSON); bad lines are reported and skipped
    similar         The most similar executed deployments in history (HNSW; --exact for exact search)
    audit verify    Recompute the hash chain; exit 1 naming the first bad seq
    audit tail      The last -n entries;  audit export: every entry (--json: with the hashed bytes, for
                    offline verification)
    audit checkpoint  Sign a checkpoint of the audit trail's Merkle tree (C2SP signed note, Ed25519)
    audit prove     Inclusion proof of entry SEQ (JSON);  audit consistency: consistency proof OLD → NEW
    audit verify --checkpoint  Is the log still the one the signed checkpoint committed to? (exit 5, 6)
    key create      An Ed25519 checkpoint signing key (FILE, mode 0600) and its verifier key (FILE.pub)
    gate            CI: submit a request, wait for the outcome, exit with its code (see Exit codes)
    engine          The headless engine: runs submitted requests, one log line per event
    approve/reject  Decide a gated deployment through the running engine (same rules as the console)
    resolve         A human confirms a failed rollback was finished by hand: resolve ID --reason TEXT
    quarantine list Rejected input lines and files, with where they came from and why
    serve           The engine plus its HTTP API (tokens and roles, event stream, /metrics, /openapi.json)
    token           API tokens: shown once at creation, stored as SHA-256; roles in the README
    record          Run the simulator and write a replayable fixture (NDJSON)
    whatif          Recorded history decided again under another configuration: what would have been
                    blocked, gated or auto-approved instead, failures caught or let through, approvals/week
    evaluate        The configured advisor (advisor: kind openai) in shadow over recorded history: precision
                    and recall of its holds against actual failures, beside the built-in advisor; latency, tokens
    simulate        The paper's study on a seeded synthetic workload, through the real engine
                    (--quick: 100 deployments, --full: 15,847, the paper's study size)

  Options
    --catalog FILE    Service catalog (JSON or YAML); saved in the database for later commands
    --request FILE    Deployment request (JSON); - reads stdin
    --config FILE     Governance configuration (JSON or YAML); SPEC.md defaults otherwise
    --history FILE    assess: finished deployments (NDJSON) to use instead of the database
    --db FILE         Database file (default data/genops.db, or GENOPS_DB)
    --server URL      gate, approve, reject, the console: a \`genops-tui serve\` (or GENOPS_SERVER), token in GENOPS_TOKEN;
                      the engine records the token's name (--as and --requested-by are refused)
    --json            Machine-readable output
    --no-color        No colour (NO_COLOR is honoured too)
    --ascii           ASCII bars and symbols only
    --no-bell         Console: no terminal bell when something new needs a human
    --readonly        Console: watch only, nothing can be decided
    --as NAME         Operator identity for approvals (default: the OS user)
    --speed N         Replay speed, × real time (default 60); --paused starts paused
    --every-sample    simulate: tick the clock at every sample instead of skipping to the one that decides
                      a stage (the same report, slower: a check of the skip)

  Exit codes
    0 success; 1 audit verify found tampering (--deep: or a row differs), approve/reject/resolve refused, or a
    database error (one line); 2 bad input or usage (the message names file, line and field; for audit: no such
    file, nothing created); 3 no engine answered (gate, approve, reject, resolve: nothing is applied later),
    another engine holds the lease (engine: nothing written), or audit: not a readable database
    engine: 5 its database file or WAL was deleted or replaced under it
    audit verify --checkpoint: 5 the log is truncated, rewritten or forked since the checkpoint,
          6 the checkpoint is not signed by --key (wrong key or altered text)
    gate: 0 promoted, 4 timed out (withdrawn), 10 rejected, 11 expired, 12 blocked, 13 rolled back,
          14 failed after reaching 100%, 15 withdrawn by Ctrl-C / CI cancel / SIGHUP, 16 the rollback command
          failed (traffic may still be on the new version; resolve needed), 17 withdrawal unconfirmed (queued)
`,
  {
    importMeta: import.meta,
    argv: safeFlagNames(joinDashValues(process.argv.slice(2))),
    flags: {
      catalog: { type: 'string' },
      request: { type: 'string' },
      config: { type: 'string' },
      history: { type: 'string' },
      db: { type: 'string' },
      k: { type: 'number' },
      count: { type: 'number', shortFlag: 'n' },
      seed: { type: 'number' },
      services: { type: 'number' },
      autonomy: { type: 'string' },
      md: { type: 'boolean', default: false },
      out: { type: 'string' },
      description: { type: 'string' },
      quick: { type: 'boolean', default: false },
      full: { type: 'boolean', default: false },
      everySample: { type: 'boolean', default: false },
      exact: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      color: { type: 'boolean', default: true },
      ascii: { type: 'boolean', default: false },
      bell: { type: 'boolean', default: true },
      speed: { type: 'number' },
      service: { type: 'string' },
      version: { type: 'string' },
      lines: { type: 'number' },
      files: { type: 'number' },
      migration: { type: 'boolean', default: false },
      configChange: { type: 'boolean', default: false },
      hotfix: { type: 'boolean', default: false },
      summary: { type: 'string' },
      requestedBy: { type: 'string' },
      id: { type: 'string' },
      wait: { type: 'string' },
      reason: { type: 'string' },
      paused: { type: 'boolean', default: false },
      readonly: { type: 'boolean', default: false },
      live: { type: 'boolean', default: false },
      jobs: { type: 'number' },
      deep: { type: 'boolean', default: false },
      as: { type: 'string' },
      role: { type: 'string' },
      expires: { type: 'string' },
      listen: { type: 'string' },
      tlsCert: { type: 'string' },
      tlsKey: { type: 'string' },
      rateLimit: { type: 'number' },
      maxInFlight: { type: 'number' },
      server: { type: 'string' },
      baseline: { type: 'string' },
      checkpoint: { type: 'string' },
      key: { type: 'string' },
      name: { type: 'string' },
      size: { type: 'number' },
    },
    // A mistyped flag (--readonyl) must not silently open a console that decides: unknown flags are errors.
    allowUnknownFlags: false,
  },
));

async function run(): Promise<number> {
  const [command, sub, arg] = cli.input;
  const f = cli.flags;
  switch (command) {
    case 'assess':
      return (await load.assess()).assessCommand(f, processIo);
    case 'history':
      if (sub !== 'import') throw new UsageError('history needs a subcommand: import FILE.ndjson');
      return (await load.history()).historyImportCommand(arg, f, processIo);
    case 'similar':
      return (await load.similar()).similarCommand(f, processIo);
    case 'audit':
      // The Merkle tree's commands (issue 16) live in their own file.
      if (sub === 'checkpoint' || sub === 'prove' || sub === 'consistency' || (sub === 'verify' && f.checkpoint !== undefined)) {
        return (await load.auditProofs()).auditProofsCommand(sub, cli.input.slice(2), f, processIo);
      }
      return (await load.audit()).auditCommand(sub, f, processIo);
    case 'key':
      return (await load.key()).keyCommand(sub, f, processIo);
    case 'simulate':
      return (await load.simulate()).simulateCommand(f, processIo);
    case 'record':
      return (await load.record()).recordCommand(f, processIo);
    case 'gate': {
      // meow reads --no-wait as wait=false.
      const wait = f.wait as string | false | undefined;
      const { wait: _wait, ...rest } = f;
      return (await load.gate()).gateCommand({ ...rest, noWait: wait === false, ...(typeof wait === 'string' ? { wait } : {}) }, processIo);
    }
    case 'engine':
      return (await load.engine()).engineCommand(f, processIo);
    case 'token':
      return (await load.token()).tokenCommand(sub, arg, f, processIo);
    case 'serve':
      return (await load.serve()).serveCommand(f, processIo);
    case 'evaluate':
      return (await load.evaluate()).evaluateCommand(sub, f, processIo);
    case 'whatif':
      return (await load.whatif()).whatifCommand(sub, f, processIo);
    case 'quarantine':
      return (await load.quarantine()).quarantineCommand(sub, f, processIo);
    case 'approve':
      return (await load.decide()).decideCommand('approve', sub, f, processIo);
    case 'reject':
      return (await load.decide()).decideCommand('reject', sub, f, processIo);
    case 'resolve':
      return (await load.decide()).decideCommand('resolve', sub, f, processIo);
    case undefined:
    case 'console': // `genops-tui console --server URL` reads as what it is
      return (await load.console()).consoleCommand(undefined, f, processIo);
    case 'replay':
      if (!sub) throw new UsageError('replay needs a FILE.ndjson');
      return (await load.console()).consoleCommand(sub, f, processIo);
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

try {
  process.exitCode = await run();
} catch (error) {
  if (error instanceof InputError) {
    processIo.err(`error: ${error.message}`);
    process.exitCode = 2;
  } else if (error instanceof BrokenPipe) {
    process.exitCode = 0; // the reader stopped reading (| head): not an error
  } else if (error instanceof UsageError) {
    processIo.err(`error: ${error.message}\nRun genops-tui --help for usage.`);
    process.exitCode = 2;
  } else if (isDatabaseTrouble(error)) {
    // A full disk or a locked database: one clear line, not a stack (nothing half-written: SQLite rolled back).
    processIo.err(`error: ${databaseTrouble(error)}`);
    process.exitCode = 1;
  } else throw error;
}
