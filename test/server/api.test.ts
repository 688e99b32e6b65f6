// The API's behaviour for each role: identity from the token, the engine's answers and refusals, token
// administration, the audit routes and the metrics.
import { describe, expect, it } from 'vitest';
import { servedEngine, submission } from './harness.js';

const s = await servedEngine('api');
const t = s.secrets;

describe('deployments over HTTP', () => {
  it('a submitted request is the token\'s: requestedBy is its name, and the audit says so', async () => {
    const r = await s.call('POST', '/v1/deployments', t.requester.valid, submission('a1', 'crit-svc'));
    expect(r.status).toBe(201);
    expect(r.json).toMatchObject({ id: 'a1', requestedBy: 'requester', state: 'awaiting_approval', request: { requestedBy: 'requester' } });
    // What may be done now, and why not the rest, from the machine.
    expect(r.json.actions).toMatchObject({ approve: { allowed: true }, reject: { allowed: true }, pause: { allowed: false, why: expect.any(String) } });
    expect(s.engine.audit.forDeployment('a1').find((e) => e.event === 'received')?.payload.requestedBy).toBe('requester');
    const again = await s.call('POST', '/v1/deployments', t.requester.valid, submission('a1', 'crit-svc'));
    expect(again).toMatchObject({ status: 409, json: { error: 'refused', message: 'deployment "a1" already exists' } });
  });

  it('an identity in a body is refused and nothing is written', async () => {
    const before = s.engine.audit.count();
    for (const field of ['requestedBy', 'as', 'actor']) {
      const r = await s.call('POST', '/v1/deployments', t.requester.valid, { ...submission('a-id'), [field]: 'mallory' });
      expect(r.status).toBe(400);
      expect(r.json.message).toContain(`"${field}" is not accepted over HTTP`);
    }
    expect((await s.call('POST', '/v1/deployments/a1/approve', t.approver.valid, { as: 'mallory' })).status).toBe(400);
    expect(s.engine.audit.count()).toBe(before);
    expect(s.engine.get('a-id')).toBeUndefined();
  });

  it('an approver approves: the engine\'s answer comes back, audited under the token\'s name', async () => {
    const r = await s.call('POST', '/v1/deployments/a1/approve', t.approver.valid, { reason: 'looks fine' });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ action: 'approve', by: 'approver', deployment: { id: 'a1', state: 'canary', decidedBy: 'approver' } });
    expect(s.engine.audit.forDeployment('a1').find((e) => e.event === 'approved')?.actor).toEqual({ kind: 'human', id: 'approver' });
    // The engine's own refusal: it is no longer waiting for approval.
    const twice = await s.call('POST', '/v1/deployments/a1/approve', t.operator.valid, {});
    expect(twice).toMatchObject({ status: 409, json: { message: 'deployment "a1" is canary: cannot approve' } });
  });

  it('an approver-capable token can never decide its own request (refusal audited)', async () => {
    expect((await s.call('POST', '/v1/deployments', t.admin.valid, submission('a2', 'crit-svc'))).status).toBe(201);
    for (const act of ['approve', 'reject']) {
      const r = await s.call('POST', `/v1/deployments/a2/${act}`, t.admin.valid, { reason: 'mine' });
      expect(r.status).toBe(403);
      const last = s.engine.audit.tail(1)[0]!;
      expect(last).toMatchObject({ event: 'access_denied', payload: { why: 'own_request', token: 'admin', deployment: 'a2', status: 403 } });
    }
    expect(s.engine.get('a2')?.state).toBe('awaiting_approval');
  });

  it('a requester withdraws its own request, never another\'s', async () => {
    const other = await s.call('POST', '/v1/deployments/a2/withdraw', t.requester.valid, {});
    expect(other.status).toBe(403);
    expect(s.engine.audit.tail(1)[0]?.payload.why).toBe('not_own_request');
    expect((await s.call('POST', '/v1/deployments', t.requester.valid, submission('a3', 'crit-svc'))).status).toBe(201);
    const own = await s.call('POST', '/v1/deployments/a3/withdraw', t.requester.valid, {});
    expect(own).toMatchObject({ status: 200, json: { deployment: { id: 'a3', outcome: 'withdrawn' } } });
    expect(s.engine.audit.forDeployment('a3').find((e) => e.event === 'withdrawn')?.actor.id).toBe('requester');
  });

  it('operator actions: pause, resume, promote, abort with the engine\'s answers', async () => {
    expect((await s.call('POST', '/v1/deployments/a1/pause', t.operator.valid)).json).toMatchObject({ deployment: { state: 'paused' } });
    expect((await s.call('POST', '/v1/deployments/a1/pause', t.operator.valid)).status).toBe(409);
    expect((await s.call('POST', '/v1/deployments/a1/resume', t.operator.valid)).json).toMatchObject({ deployment: { state: 'canary' } });
    expect((await s.call('POST', '/v1/deployments/a1/promote', t.operator.valid)).status).toBe(200);
    const abort = await s.call('POST', '/v1/deployments/a1/abort', t.operator.valid, { reason: 'drill' });
    expect(abort.status).toBe(200);
    expect(s.engine.audit.forDeployment('a1').find((e) => e.event === 'aborted')).toMatchObject({ actor: { id: 'operator' }, payload: { reason: 'drill' } });
    expect((await s.call('POST', '/v1/deployments/a2/reject', t.approver.valid, {})).status).toBe(400); // a reason is required
  });

  it('reads: list, one deployment with its stages and samples, 404 for an unknown id', async () => {
    expect((await s.call('POST', '/v1/deployments', t.requester.valid, submission('a4'))).status).toBe(201);
    s.runUntil(s.clock.now() + 3_600_000);
    expect(s.engine.get('a4')?.outcome).toBe('succeeded');
    const list = await s.call('GET', '/v1/deployments?limit=2', t.viewer.valid);
    expect(list.json.count).toBe(4);
    expect((list.json.deployments as unknown[]).length).toBe(2);
    const one = await s.call('GET', '/v1/deployments/a1', t.viewer.valid);
    expect(one.json).toMatchObject({ id: 'a1', outcome: 'rolled_back', assessment: { level: expect.any(String) }, stages: expect.any(Array), samples: expect.any(Array) });
    expect((await s.call('GET', '/v1/deployments/nope', t.viewer.valid)).status).toBe(404);
    expect((await s.call('GET', '/v1/deployments?limit=0', t.viewer.valid)).status).toBe(400);
  });

  it('audit tail, after, verify and head', async () => {
    const tail = await s.call('GET', '/v1/audit?n=5', t.viewer.valid);
    expect((tail.json.entries as unknown[]).length).toBe(5);
    const after = await s.call('GET', '/v1/audit?after=3&n=2', t.viewer.valid);
    expect((after.json.entries as Array<{ seq: number }>).map((e) => e.seq)).toEqual([4, 5]);
    const verify = await s.call('GET', '/v1/audit/verify', t.viewer.valid);
    expect(verify.json).toMatchObject({ ok: true, count: s.engine.audit.count() });
    expect((await s.call('GET', '/v1/audit/head', t.viewer.valid)).json).toEqual({ seq: s.engine.audit.count(), hash: verify.json.head });
  });

  it('an admin creates a token (shown once) and revokes it; both audited', async () => {
    const created = await s.call('POST', '/v1/tokens', t.admin.valid, { name: 'ci-bot', role: 'requester', expires: '30d' });
    expect(created.status).toBe(201);
    const secret = created.json.token as string;
    expect(secret).toMatch(/^gtk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    expect((await s.call('GET', '/v1/whoami', secret)).json).toMatchObject({ name: 'ci-bot', role: 'requester' });
    const listed = await s.call('GET', '/v1/tokens', t.admin.valid);
    expect(JSON.stringify(listed.json)).not.toContain(secret.slice(21));
    expect((await s.call('POST', '/v1/tokens', t.admin.valid, { name: 'ci-bot', role: 'viewer' })).status).toBe(409);
    expect((await s.call('DELETE', '/v1/tokens/ci-bot', t.admin.valid)).status).toBe(200);
    expect((await s.call('GET', '/v1/whoami', secret)).status).toBe(401);
    const events = s.engine.audit.tail(3).map((e) => `${e.actor.id}:${e.event}:${String(e.payload.name ?? e.payload.why)}`);
    expect(events).toEqual(['admin:token_created:ci-bot', 'admin:token_revoked:ci-bot', 'server:access_denied:revoked']);
  });

  it('/metrics: deployments by state, pending approvals, audit head, round trips and stage durations', async () => {
    const r = await fetch(`${s.base}/metrics`, { headers: { authorization: `Bearer ${t.viewer.valid!}` } });
    const text = await r.text();
    expect(r.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(text).toMatch(/genops_deployments\{state="rolled_back"\} 1/);
    expect(text).toMatch(/genops_deployments\{state="withdrawn"\} 1/);
    expect(text).toMatch(/genops_pending_approvals 1/);
    expect(text).toContain(`genops_audit_head_seq ${s.engine.audit.count()}`);
    expect(text).toMatch(/genops_gate_round_trip_seconds_count\{outcome="rolled_back"\} 1/);
    expect(text).toMatch(/genops_gate_round_trip_seconds_count\{outcome="succeeded"\} 1/);
    expect(text).toMatch(/genops_stage_duration_seconds_count\{verdict="Pass"\} [1-9]/);
    expect(text).toContain('genops_event_stream_delay_seconds_bucket{le="0.05"}');
    expect(text).toMatch(/genops_http_refusals_total\{reason="own_request"\} 2/);
  });
});
