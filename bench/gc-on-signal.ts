// Preloaded into the `serve` process the server bench starts (with --expose-gc): SIGUSR2 collects garbage,
// so the bench reads the server's memory after a full GC rather than whenever V8 last got round to one.
process.on('SIGUSR2', () => (globalThis as { gc?: () => void }).gc?.());
