// The example Prometheus configurations load: templates are valid and keep request text inside strings.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../source/io/load.js';
import { queriesFor } from '../../source/domain/metrics-config.js';

const dir = 'examples/prometheus';

describe('examples/prometheus', () => {
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml'))) {
    it(`${file} is a valid configuration with canary and stable queries`, () => {
      const config = loadConfig(join(dir, file));
      const prometheus = config.metrics.prometheus;
      expect(prometheus).toBeDefined();
      const { canary, stable } = queriesFor(prometheus!, 'any-service');
      expect(Object.keys(canary).length).toBeGreaterThan(0);
      expect(Object.keys(stable).sort()).toEqual(Object.keys(canary).sort());
    });
  }
});
