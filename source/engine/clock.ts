// The engine's only source of time: the wall clock live, a virtual one in simulation and tests.
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export class VirtualClock implements Clock {
  constructor(private t: number) {}
  now(): number {
    return this.t;
  }
  /** Moves forward only: time never runs backwards inside one engine. */
  set(t: number): void {
    if (t > this.t) this.t = t;
  }
}
