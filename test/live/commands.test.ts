// Stage actions and the command metric source, with real commands; and a gate cancelled while waiting.
import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { CommandMetricSource, CommandTrafficActions, fillArgs, runCommand } from '../../source/metrics/command-actions.js';
import { exited, run, startUntil } from '../helpers/processes.js';
import { tempDir } from '../helpers/temp-db.js';
import { spawn } from 'node:child_process';
import { CLI } from '../helpers/processes.js';

const dir = tempDir();

describe('command actions', () => {
  it('fills placeholders inside single arguments: request text never becomes shell syntax', async () => {
    const argv = fillArgs(['printf', '%s|', '{service}', 'v={version}'], { service: 'svc; rm -rf / $(reboot)', version: '1.0' });
    expect(argv).toEqual(['printf', '%s|', 'svc; rm -rf / $(reboot)', 'v=1.0']);
    expect(await runCommand(argv, 5_000)).toBe('svc; rm -rf / $(reboot)|v=1.0|');
  });

  it('a non-zero exit or a timeout is an error naming the command', async () => {
    await expect(runCommand(['false'], 5_000)).rejects.toThrow(/false: exit 1/);
    await expect(runCommand(['sleep', '5'], 100)).rejects.toThrow(/sleep: timed out after 100 ms/);
  });

  it('runs the configured shift and rollback commands with argv', async () => {
    const log = join(dir, 'actions.log');
    const script = join(dir, 'act.sh');
    writeFileSync(script, `#!/bin/sh\necho "$@" >> ${log}\n`);
    chmodSync(script, 0o755);
    const actions = new CommandTrafficActions({ shiftCommand: [script, 'shift', '{service}', '{percent}'], rollbackCommand: [script, 'rollback', '{reason}'], commandTimeoutSeconds: 5 }, () => '1.0');
    await actions.shift('d1', 'pay', 25);
    await actions.rollback('d1', 'pay', 'error_rate 2.3% > 1.0% at 25%');
    expect(readFileSync(log, 'utf8')).toBe('shift pay 25\nrollback error_rate 2.3% > 1.0% at 25%\n');
  });

  it('the metric command prints a JSON sample; anything else is a provider error', async () => {
    const ok = new CommandMetricSource(['examples/metrics.sh', '{service}', '{percent}'], 5_000, () => '1');
    expect(await ok.sample({ deploymentId: 'd', serviceId: 's', stage: 0, trafficPercent: 1, index: 0, at: 5 })).toEqual({ at: 5, errorRate: 0.002, p50Ms: 35, p99Ms: 180, successRate: 0.998 });
    const bad = new CommandMetricSource(['echo', '{"errorRate": "high"}'], 5_000, () => '1');
    await expect(bad.sample({ deploymentId: 'd', serviceId: 's', stage: 0, trafficPercent: 1, index: 0, at: 5 })).rejects.toThrow(/metrics command: errorRate/);
  });
});

describe('gate cancellation', () => {
  it('Ctrl-C while waiting withdraws the request, audits it, and exits 15', { timeout: 60_000 }, async () => {
    const db = join(dir, 'cancel.db');
    const engine = await startUntil(['engine', '--db', db, '--catalog', 'fixtures/catalog.yaml', '--config', 'examples/fast-canary.yaml'], 'engine started');
    const gate = spawn(process.execPath, [CLI, 'gate', '--db', db, '--id', 'c1', '--service', 'payments-api', '--version', '1', '--migration', '--requested-by', 'ci']);
    let err = '';
    gate.stderr.on('data', (d: Buffer) => (err += d.toString()));
    for (let i = 0; i < 400 && !err.includes('decision: await_approval'); i++) await new Promise((r) => setTimeout(r, 25));
    gate.kill('SIGINT');
    expect(await exited(gate)).toBe(15);
    expect(err).toMatch(/cancelled: withdrew c1/);
    const tail = await run(['audit', 'export', '--db', db, '--json']);
    const events = tail.stdout.trim().split('\n').map((l) => JSON.parse(l) as { event: string; deploymentId: string; actor: { kind: string; id: string } });
    expect(events.filter((e) => e.deploymentId === 'c1').map((e) => e.event)).toEqual(expect.arrayContaining(['withdrawn', 'finished']));
    expect(events.find((e) => e.event === 'withdrawn')?.actor).toEqual({ kind: 'human', id: 'gate:ci' });
    engine.child.kill('SIGTERM');
    expect(await exited(engine.child)).toBe(0);
  });
});
