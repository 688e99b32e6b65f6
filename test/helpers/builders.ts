// Small builders for tests: a valid service, request and catalog with overrides.
import type { Catalog, DeploymentRequest, Service } from '../../source/domain/schemas.js';
import { CatalogIndex } from '../../source/domain/catalog.js';
import { configSchema } from '../../source/domain/config.js';
import type { Config, ConfigInput } from '../../source/domain/config.js';

export function service(overrides: Partial<Service> = {}): Service {
  return {
    id: 'svc',
    name: 'Service',
    tier: 'medium',
    dependencies: [],
    timezone: 'UTC',
    errorBudgetRemaining: 0.8,
    health: { errorRate: 0.002, p50Ms: 40, p99Ms: 200, availability: 0.999 },
    ...overrides,
  };
}

export function request(overrides: Partial<DeploymentRequest> = {}, change: Partial<DeploymentRequest['change']> = {}): DeploymentRequest {
  return {
    id: 'req-1',
    serviceId: 'svc',
    version: '1.0.0',
    requestedBy: 'ci',
    // A Wednesday, mid-morning UTC.
    requestedAt: '2026-11-18T10:00:00Z',
    ...overrides,
    change: { linesChanged: 10, filesChanged: 1, dbMigration: false, configChange: false, hotfix: false, summary: 'small change', ...change },
  };
}

export function catalog(...services: Service[]): CatalogIndex {
  const c: Catalog = { services };
  return new CatalogIndex(c);
}

export function config(input: ConfigInput = {}): Config {
  return configSchema.parse(input);
}
