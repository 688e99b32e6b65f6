// The console's risk pane says which advisor answered: a model by name, or the built-in advisor standing in
// for it and why (hostile text from a model or an error cleaned for the terminal).
import { describe, expect, it } from 'vitest';
import { render } from 'ink-testing-library';
import { RiskPane } from '../../source/ui/panes/risk-pane.js';
import { SimulatedMetricSource } from '../../source/metrics/simulated-source.js';
import { harness } from '../helpers/engine-harness.js';
import { config, request, service } from '../helpers/builders.js';
import { tempDir } from '../helpers/temp-db.js';

const dir = tempDir();
const theme = { color: false, ascii: true };

function paneFor(advisor: { by: string; fallbackReason?: string; rationale: string }): string {
  const h = harness(dir, `p${Math.random().toString(36).slice(2)}.db`, [service()], config(), new SimulatedMetricSource({ seed: 1, defects: new Map(), providerErrorRate: 0, gapRate: 0 }));
  const r = request({ id: 'r1' });
  const assessment = h.engine.prepare(r);
  const prepared = { ...assessment, advisor: { ...assessment.advisor, recommendation: 'hold' as const, confidence: 0.7, ...advisor } };
  h.engine.submit(r, 'test', prepared);
  const { lastFrame, unmount } = render(<RiskPane deployment={h.engine.get('r1')} height={40} width={100} focused theme={theme} />);
  const frame = lastFrame() ?? '';
  unmount();
  h.db.close();
  return frame;
}

describe('risk pane: which advisor answered', () => {
  it('a model, by name, with its rationale', () => {
    expect(paneFor({ by: 'llama3.1:8b', rationale: 'two similar rollbacks' })).toMatch(/advisor llama3\.1:8b hold \(0\.70\): two similar rollbacks/);
  });

  it('the built-in advisor standing in, and why, with control characters escaped', () => {
    const frame = paneFor({ by: 'builtin', fallbackReason: 'timed out\u001b[2J', rationale: 'hold for a human' });
    expect(frame).toMatch(/advisor built-in, standing in \(timed out\\x1b\[2J\) hold/);
    expect(frame).not.toContain('\u001b[2J');
  });
});
