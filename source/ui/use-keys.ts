// The console's one key hook: every read becomes keys (two keys in one read are two keys), in order.
import { useInput } from 'ink';
import type { KeyPress } from './input.js';
import { keysOf } from './input.js';

export function useKeys(onKey: (k: KeyPress) => void, isActive: boolean, onReadEnd?: () => void): void {
  useInput(
    (input, key) => {
      for (const k of keysOf(input, key)) onKey(k);
      onReadEnd?.();
    },
    { isActive },
  );
}
