// A program that uses every lattice type, every aggregate, most built-ins, externs, every kind
// of collection and every rule operator: the emitter's coverage fixture, type-checked by
// emit-typecheck.test.ts and run by semantics-coverage.test.ts.

export const COVERAGE = `
module coverage;
extern fn shout(s: string): string from "./udfs.ts";
extern fn weigh(s: string, n: int): float from "./udfs.ts";
input obs(k: string, n: int, f: float, b: bool, j: any, who: addr);
input cfg(k: string; p: pair<max<int>, set<string>>);
table kv(k: string, v: string) key(k);
lattice hi(k: string; v: max<int>);
lattice lo(k: string; v: min<float>);
lattice members(k: string; v: set<addr>);
lattice flags(k: string; any_flag: bool_or, all_flags: bool_and);
lattice reg(k: string; v: lww<string>);
lattice hits(k: string; n: counter);
lattice per(k: string; m: map<string, max<int>>);
lattice pairs(k: string; p: pair<max<int>, set<string>>);
lattice total: max<int>;
channel note(@to: addr, k: string, n: int);
periodic tick_every(1s);
scratch numbers(i: int);
output stats(k: string, c: int, d: int, s: int, lo: int, hi: int, mean: float, first: string);
output everything(k: string, all: any);
output derived(a: string, b: float, c: int, d: string, e: bool, f: int, g: string);
output reads(k: string, n: int, present: bool, at_value: int, heavy: float);
hi(k, n) <= obs(k, n, _, _, _, _);
lo(k, f) <= obs(k, _, f, _, _, _);
members(k, w) <= obs(k, _, _, _, _, w);
flags(k, b, b) <= obs(k, _, _, b, _, _);
reg(k, entry_lww(n, w, k)) <= obs(k, n, _, _, _, w);
hits(k, 1) <= obs(k, _, _, _, _, _);
per(k, entry(k, n)) <= obs(k, n, _, _, _, _);
pairs(k, p) <= cfg(k, p);
pairs(k, pair(n, k)) <= obs(k, n, _, _, _, _);
total(n) <= obs(_, n, _, _, _, _);
kv(k, shout(k)) <+- obs(k, _, _, _, _, _);
kv(k, v) <- kv(k, v), !obs(k, _, _, _, _, _);
note(w, k, n) <~ obs(k, n, _, _, _, w);
numbers(i) <= tick_every(n), i in range(0, n);
stats(k, count(), count(n), sum(n), min(n), max(n), avg(n), choose(k)) <= obs(k, n, _, _, _, _);
everything(k, collect(n)) <= obs(k, n, _, _, _, _);
derived(upper(k) ++ lower(k), f / 2.0 + abs(f), n / 2 % 3 + pow(n, 2) + len(k), substr(to_string(j), 0, 3), matches(k, "^a") && contains(k, "b") || b, to_int("7") + hash(k), me()) <= obs(k, n, f, b, j, _), n > -1, max2(n, 1) >= min2(n, 0), to_float(n) >= 0.0;
reads(k, size(s), contains(s, "x"), at(m, k), weigh(k, size(t))) <= members(k, s), per(k, m), hi(k, h), reads_set(k, t), h >= 0;
lattice reads_set(k: string; t: set<int>);
reads_set(k, n) <= obs(k, n, _, _, _, _);
`;

export const UDFS = `
export function shout(s: string): string { return s.toUpperCase(); }
export function weigh(s: string, n: number): number { return s.length * n; }
`;
