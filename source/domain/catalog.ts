// The service catalog indexed for lookups: dependents are derived once, not per request.
import type { Catalog, Service } from './schemas.js';

export interface ServiceEntry {
  service: Service;
  /** Catalog services that list this one in `dependencies` (direct only). */
  dependents: readonly string[];
  /** True when a critical-tier service depends on this one. */
  criticalDependent: boolean;
}

export class CatalogIndex {
  private readonly entries = new Map<string, ServiceEntry>();

  constructor(readonly catalog: Catalog) {
    const dependents = new Map<string, string[]>();
    for (const s of catalog.services) for (const dep of s.dependencies) dependents.set(dep, [...(dependents.get(dep) ?? []), s.id]);
    const byId = new Map(catalog.services.map((s) => [s.id, s]));
    for (const s of catalog.services) {
      const ds = dependents.get(s.id) ?? [];
      this.entries.set(s.id, { service: s, dependents: ds, criticalDependent: ds.some((d) => byId.get(d)?.tier === 'critical') });
    }
  }

  get(serviceId: string): ServiceEntry | undefined {
    return this.entries.get(serviceId);
  }

  get services(): readonly Service[] {
    return this.catalog.services;
  }
}
