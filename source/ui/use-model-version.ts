// Re-render on engine changes, at most every `ms`: a fast replay emits thousands of events a second.
import { useEffect, useState } from 'react';
import type { ConsoleModel } from './console-model.js';

export function useModelVersion(model: ConsoleModel, ms: number): number {
  const [version, setVersion] = useState(model.version);
  useEffect(() => {
    let last = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const flush = (): void => {
      timer = undefined;
      last = Date.now();
      setVersion(model.version);
    };
    const unsubscribe = model.subscribe(() => {
      if (timer) return;
      const wait = ms - (Date.now() - last);
      if (wait <= 0) flush();
      else timer = setTimeout(flush, wait);
    });
    return () => {
      unsubscribe();
      if (timer) clearTimeout(timer);
    };
  }, [model, ms]);
  return version;
}

export function useTerminalSize(stdout: NodeJS.WriteStream): { columns: number; rows: number } {
  const read = () => ({ columns: stdout.columns || 100, rows: stdout.rows || 30 });
  const [size, setSize] = useState(read);
  useEffect(() => {
    const onResize = (): void => setSize(read());
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [stdout]);
  return size;
}
