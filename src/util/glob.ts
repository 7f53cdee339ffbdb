/**
 * Glob matching with Redis's exact rules (stringmatchlen): `*`, `?`, `[...]` classes with `^`
 * negation, ranges (reversed ranges allowed) and `\` escapes, an unterminated class treated as
 * closed, and `\` escaping any character outside classes. Used by KEYS, SCAN MATCH, CONFIG GET,
 * PSUBSCRIBE and friends. Both sides are latin1 strings (bytes). Like Redis since 7.0.10, a
 * failed `*` match stops longer attempts and nesting beyond 1000 levels does not match, so no
 * pattern can make matching exponential or overflow the stack.
 *
 * Imports nothing.
 */

export function globMatch(pattern: string, str: string, nocase = false): boolean {
  const skip = { longer: false };
  return matchImpl(pattern, 0, str, 0, nocase, skip, 0);
}

function lower(c: number): number {
  return c >= 0x41 && c <= 0x5a ? c + 32 : c;
}

function matchImpl(p: string, pi: number, s: string, si: number, nocase: boolean, skip: { longer: boolean }, nesting: number): boolean {
  if (nesting > 1000) return false;
  const plen = p.length;
  const slen = s.length;
  while (pi < plen && si < slen) {
    const pc = p.charCodeAt(pi);
    switch (pc) {
      case 0x2a: {
        // '*'
        while (pi + 1 < plen && p.charCodeAt(pi + 1) === 0x2a) pi++;
        if (pi + 1 === plen) return true;
        while (si < slen) {
          if (matchImpl(p, pi + 1, s, si, nocase, skip, nesting + 1)) return true;
          if (skip.longer) return false;
          si++;
        }
        skip.longer = true;
        return false;
      }
      case 0x3f: // '?'
        si++;
        break;
      case 0x5b: {
        // '['
        pi++;
        const not = pi < plen && p.charCodeAt(pi) === 0x5e;
        if (not) pi++;
        let match = false;
        const c = s.charCodeAt(si);
        for (;;) {
          if (pi >= plen) {
            pi--; // unterminated: behave as if closed
            break;
          }
          const cc = p.charCodeAt(pi);
          if (cc === 0x5c && pi + 1 < plen) {
            pi++;
            if (p.charCodeAt(pi) === c) match = true;
          } else if (cc === 0x5d) {
            break;
          } else if (pi + 2 < plen && p.charCodeAt(pi + 1) === 0x2d) {
            let start = cc;
            let end = p.charCodeAt(pi + 2);
            let x = c;
            if (start > end) [start, end] = [end, start];
            if (nocase) {
              start = lower(start);
              end = lower(end);
              x = lower(x);
            }
            pi += 2;
            if (x >= start && x <= end) match = true;
          } else if (nocase ? lower(cc) === lower(c) : cc === c) {
            match = true;
          }
          pi++;
        }
        if (not) match = !match;
        if (!match) return false;
        si++;
        break;
      }
      default: {
        if (pc === 0x5c && pi + 1 < plen) pi++; // '\\' escapes the next character
        const a = p.charCodeAt(pi);
        const b = s.charCodeAt(si);
        if (nocase ? lower(a) !== lower(b) : a !== b) return false;
        si++;
        break;
      }
    }
    pi++;
    if (si === slen) {
      while (pi < plen && p.charCodeAt(pi) === 0x2a) pi++;
      break;
    }
  }
  return pi === plen && si === slen;
}
