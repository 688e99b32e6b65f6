#!/usr/bin/env node
// genops-tui: subcommands → one function each. Exit codes: 0 success, 2 bad input or usage (SPEC.md).
import meow from 'meow';
import { assessCommand } from './commands/assess.js';
import { processIo, UsageError } from './commands/io.js';
import { joinDashValues } from './commands/argv.js';
import { InputError } from './io/input-error.js';
import { UnknownServiceError } from './domain/assess.js';

const cli = meow(
  `
  Usage
    $ genops-tui assess --catalog FILE --request FILE|- [--config FILE] [--history FILE] [--json]

  Commands
    assess     Score a deployment request and decide: proceed, await approval or blocked

  Options
    --catalog FILE    Service catalog (JSON or YAML)
    --request FILE    Deployment request (JSON); - reads stdin
    --config FILE     Governance configuration (JSON or YAML); defaults from SPEC.md otherwise
    --history FILE    Finished deployments (NDJSON) to ground the decision in
    --json            Machine-readable output
    --no-color        No colour (NO_COLOR is honoured too)
    --ascii           ASCII bars and symbols only

  Exit codes
    0 success, 2 bad input or usage (the message names file, line and field)
`,
  {
    importMeta: import.meta,
    argv: joinDashValues(process.argv.slice(2)),
    flags: {
      catalog: { type: 'string' },
      request: { type: 'string' },
      config: { type: 'string' },
      history: { type: 'string' },
      json: { type: 'boolean', default: false },
      color: { type: 'boolean', default: true },
      ascii: { type: 'boolean', default: false },
    },
  },
);

function run(): number {
  const [command] = cli.input;
  switch (command) {
    case 'assess':
      return assessCommand(cli.flags, processIo);
    case undefined:
      cli.showHelp(0);
      return 0;
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

try {
  process.exitCode = run();
} catch (error) {
  if (error instanceof InputError || error instanceof UnknownServiceError) {
    processIo.err(`error: ${error.message}`);
    process.exitCode = 2;
  } else if (error instanceof UsageError) {
    processIo.err(`error: ${error.message}\nRun genops-tui --help for usage.`);
    process.exitCode = 2;
  } else throw error;
}
