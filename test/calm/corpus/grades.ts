// Extern functions for the CALM corpus program nondet_extern.hydro: a pure one.
export function grade(score: number): string {
  return score >= 50 ? "pass" : "fail";
}
