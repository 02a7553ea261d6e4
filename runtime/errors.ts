// The two failure values of the runtime value layer.
// In: a built-in or an arithmetic helper that cannot produce a value (to_int("abc"), x / 0), or
// a decoder that meets JSON of the wrong shape. Out: a TickError is thrown and caught by the tick
// loop, which rolls the tick back and reports `{message, tuples}` (LANGUAGE.md §5); a
// DecodeError is returned, never thrown, so input validation stays plain data like diagnostics.

/** A failure that aborts the current tick; the tick loop rolls it back and reports it. */
export class TickError extends Error {
  /** The offending tuples, when the failing code knows them (a key violation names both). */
  readonly tuples?: readonly unknown[];

  constructor(message: string, tuples?: readonly unknown[]) {
    super(message);
    this.name = "TickError";
    if (tuples !== undefined) this.tuples = tuples;
  }
}

/**
 * Why a JSON value is not a valid encoding of a type. Returned by decoders; a plain class (no
 * stack trace) because bad input is expected data, not a bug.
 */
export class DecodeError {
  constructor(readonly reason: string) {}

  /** The same error seen from an enclosing value: `in element 2: expected an int, got "x"`. */
  within(where: string): DecodeError {
    return new DecodeError(`${where}: ${this.reason}`);
  }
}
