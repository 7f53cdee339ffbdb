/**
 * Partial quicksort (Bentley & McIlroy's "Engineering a Sort Function", the variant Redis
 * keeps as pqsort): only the partitions that overlap positions [lrange, rrange] are sorted
 * further, so asking for the first k of n costs about O(n + k log k).
 *
 * Elements that compare equal end up in an order that depends on this exact algorithm (it is
 * not stable), and which of them fall inside the range does too: GEORADIUS ... COUNT k picks
 * among points at equal distances exactly as Redis 7.0 does only because the same
 * partitioning steps are taken here, on array positions instead of bytes (7.0's variant:
 * without the later switch to insertion sort when a pass exchanges nothing).
 *
 * Imports nothing.
 */

export type Comparator<T> = (a: T, b: T) => number;

/** Sort arr so that positions lrange..rrange (inclusive) hold what a full sort would put there. */
export function pqsort<T>(arr: T[], cmp: Comparator<T>, lrange: number, rrange: number): void {
  partialSort(arr, 0, arr.length, cmp, lrange, rrange);
}

function swap<T>(arr: T[], i: number, j: number): void {
  const t = arr[i] as T;
  arr[i] = arr[j] as T;
  arr[j] = t;
}

function vecswap<T>(arr: T[], i: number, j: number, n: number): void {
  for (let k = 0; k < n; k++) swap(arr, i + k, j + k);
}

function med3<T>(arr: T[], a: number, b: number, c: number, cmp: Comparator<T>): number {
  const A = arr[a] as T;
  const B = arr[b] as T;
  const C = arr[c] as T;
  return cmp(A, B) < 0 ? (cmp(B, C) < 0 ? b : cmp(A, C) < 0 ? c : a) : cmp(B, C) > 0 ? b : cmp(A, C) < 0 ? a : c;
}

function insertionSort<T>(arr: T[], a: number, n: number, cmp: Comparator<T>): void {
  for (let pm = a + 1; pm < a + n; pm++) {
    for (let pl = pm; pl > a && cmp(arr[pl - 1] as T, arr[pl] as T) > 0; pl--) swap(arr, pl, pl - 1);
  }
}

/** Does the range [lo, hi] of positions touch [l, r]? */
function overlaps(l: number, r: number, lo: number, hi: number): boolean {
  return !((l < lo && r < lo) || (l > hi && r > hi));
}

function partialSort<T>(arr: T[], a: number, n: number, cmp: Comparator<T>, l: number, r: number): void {
  for (;;) {
    if (n < 7) {
      insertionSort(arr, a, n, cmp);
      return;
    }
    let pm = a + Math.floor(n / 2);
    if (n > 7) {
      let pl = a;
      let pn = a + n - 1;
      if (n > 40) {
        const d = Math.floor(n / 8);
        pl = med3(arr, pl, pl + d, pl + 2 * d, cmp);
        pm = med3(arr, pm - d, pm, pm + d, cmp);
        pn = med3(arr, pn - 2 * d, pn - d, pn, cmp);
      }
      pm = med3(arr, pl, pm, pn, cmp);
    }
    swap(arr, a, pm);
    let pa = a + 1;
    let pb = pa;
    let pc = a + n - 1;
    let pd = pc;
    for (;;) {
      let c = 0;
      while (pb <= pc && (c = cmp(arr[pb] as T, arr[a] as T)) <= 0) {
        if (c === 0) {
          swap(arr, pa, pb);
          pa++;
        }
        pb++;
      }
      while (pb <= pc && (c = cmp(arr[pc] as T, arr[a] as T)) >= 0) {
        if (c === 0) {
          swap(arr, pc, pd);
          pd--;
        }
        pc--;
      }
      if (pb > pc) break;
      swap(arr, pb, pc);
      pb++;
      pc--;
    }
    const pn = a + n;
    let s = Math.min(pa - a, pb - pa);
    vecswap(arr, a, pb - s, s);
    s = Math.min(pd - pc, pn - pd - 1);
    vecswap(arr, pb, pn - s, s);
    s = pb - pa;
    if (s > 1 && overlaps(l, r, a, a + s - 1)) partialSort(arr, a, s, cmp, l, r);
    s = pd - pc;
    if (s <= 1) return;
    a = pn - s;
    n = s;
    if (!overlaps(l, r, a, a + s - 1)) return;
  }
}
