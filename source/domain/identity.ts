// Identities as people type them: "Alice", " alice " and "ALICE" are one person, and so are spellings that only
// look different (invisible characters, combining marks, full-width letters, dotless i, Cyrillic or Greek
// lookalikes). The four-eyes rule (a requester may not approve their own deployment) compares these keys, so a
// variant of one's own name is refused, never taken for someone else.

/** Default-ignorable code points (zero-width, soft hyphen, fillers), controls and format characters. */
const INVISIBLE = /[\p{Default_Ignorable_Code_Point}\p{Cc}\p{Cf}]/gu;
const MARKS = /\p{M}/gu;

/** Letters from other scripts that render like Latin ones (the common subset of Unicode's confusables). */
const LOOKALIKES: Record<string, string> = {
  а: 'a', в: 'b', е: 'e', ё: 'e', к: 'k', м: 'm', н: 'h', о: 'o', р: 'p', с: 'c', т: 't', у: 'y', х: 'x', ѕ: 's', і: 'i', ї: 'i', ј: 'j', ԁ: 'd', ӏ: 'l', ԛ: 'q', ԝ: 'w', һ: 'h',
  α: 'a', β: 'b', ε: 'e', η: 'n', ι: 'i', κ: 'k', ν: 'v', ο: 'o', ρ: 'p', τ: 't', υ: 'u', χ: 'x', ω: 'w',
  ı: 'i', ł: 'l', ø: 'o', đ: 'd', ħ: 'h',
};
const LOOKALIKE = new RegExp(`[${Object.keys(LOOKALIKES).join('')}]`, 'gu');

export function identityKey(name: string): string {
  return name
    .normalize('NFKC')
    .replace(INVISIBLE, '')
    .toLocaleLowerCase('en-US')
    .normalize('NFD')
    .replace(MARKS, '')
    .replace(LOOKALIKE, (ch) => LOOKALIKES[ch] ?? ch)
    .trim()
    .replace(/\s+/gu, ' ');
}

export const sameIdentity = (a: string, b: string): boolean => identityKey(a) === identityKey(b);
