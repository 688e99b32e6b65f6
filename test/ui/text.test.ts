// Widths by display cell: East Asian wide characters take two cells, ids keep their distinguishing suffix.
import fc from 'fast-check';
import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { fit, fitTail, wrap } from '../../source/ui/text.js';
import { asciiOnly } from '../../source/ui/ascii-stream.js';

describe('text by display cell', () => {
  it('fit pads and cuts to exactly the width, wide characters included', () => {
    expect(fit('支付服务', 5)).toBe('支付…');
    expect(stringWidth(fit('支付服务', 5))).toBe(5);
    expect(fit('支付', 6)).toBe('支付  ');
    expect(fit('payments', 5, '~')).toBe('paym~');
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', 'é', '支', '付', 'x', ' ') }), fc.integer({ min: 1, max: 30 }), (s, w) => {
        expect(stringWidth(fit(s, w))).toBe(w);
        expect(stringWidth(fitTail(s, w))).toBe(w);
      }),
    );
  });

  it('ids cut in front stay distinct when they differ within the width kept', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 99_999 }), { minLength: 2, maxLength: 50 }), fc.integer({ min: 6, max: 12 }), (ns, w) => {
        const ids = ns.map((n) => `deploy-payments-api-2026-11-24-${String(n).padStart(5, '0')}`);
        expect(new Set(ids.map((id) => fitTail(id, w))).size).toBe(ids.length);
      }),
    );
    expect(fitTail('deploy-payments-api-00042', 10)).toBe('…api-00042');
  });

  it('wrap keeps every line within the width and loses no word', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: fc.constantFrom('a', 'b', '支', '-'), minLength: 1, maxLength: 15 }), { maxLength: 20 }), fc.integer({ min: 4, max: 40 }), (words, w) => {
        const lines = wrap(words.join(' '), w);
        for (const l of lines) expect(stringWidth(l)).toBeLessThanOrEqual(w);
        expect(lines.join('').replaceAll(' ', '')).toBe(words.join(''));
      }),
    );
  });

  it('the ASCII filter keeps widths: wide characters become two cells of ?', () => {
    expect(asciiOnly('a…b 支c · ✔')).toBe('a~b ??c ? ?');
  });
});
