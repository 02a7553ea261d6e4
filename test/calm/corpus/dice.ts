// Extern functions for the CALM corpus program nondet_extern.hydro: nondeterministic on purpose.
export function roll(sides: number): number {
  return 1 + Math.floor(Math.random() * sides);
}
