// Strict decoding of base-typed values (int, float, string, bool, addr, any) from JSON.
// In: a base type and a value parsed from stdio, HTTP or the network. Out: the runtime value
// (for base types it is the JSON value itself) or a DecodeError whose reason names what was
// expected and what came. Lattice decoders and the column codec both build on this, so every
// entry point rejects the same things with the same words.

import type { BaseType } from "../../compiler/types.ts";
import { DecodeError } from "../errors.ts";

/** The value, unchanged, when `json` is a valid `type`; otherwise why not. */
export function decodeBase(type: BaseType, json: unknown): unknown {
  switch (type.kind) {
    case "int":
      return Number.isSafeInteger(json) ? json : expected("an int (a safe integer)", json);
    case "float":
      return typeof json === "number" && Number.isFinite(json) ? json : expected("a float (a finite number)", json);
    case "string":
      return typeof json === "string" ? json : expected("a string", json);
    case "addr":
      return typeof json === "string" ? json : expected("an addr (a string)", json);
    case "bool":
      return typeof json === "boolean" ? json : expected("a bool (true or false)", json);
    case "any": {
      const problem = jsonProblem(json);
      return problem === undefined ? json : new DecodeError(`expected a JSON value, ${problem}`);
    }
  }
}

function expected(what: string, json: unknown): DecodeError {
  return new DecodeError(`expected ${what}, got ${describeJson(json)}`);
}

/** A short description of a value for error messages: `1.5`, `"abc"`, `an array`. */
export function describeJson(json: unknown): string {
  if (json === undefined) return "nothing";
  if (json === null) return "null";
  if (Array.isArray(json)) return json.length === 0 ? "an empty array" : `an array of ${json.length}`;
  switch (typeof json) {
    case "number":
      return Number.isFinite(json) ? String(json) : `the non-finite number ${String(json)}`;
    case "string": {
      const text = JSON.stringify(json);
      return text.length <= 42 ? text : `${text.slice(0, 40)}…"`;
    }
    case "boolean":
      return String(json);
    case "object":
      return "an object";
    default:
      return `a ${typeof json}`;
  }
}

/** Why `value` is not a JSON value (undefined when it is one): no NaN, no Map, no cycles. */
export function jsonProblem(value: unknown, depth = 0): string | undefined {
  if (depth > 512) return "nested too deeply";
  switch (typeof value) {
    case "string":
    case "boolean":
      return undefined;
    case "number":
      return Number.isFinite(value) ? undefined : `got the non-finite number ${String(value)}`;
    case "object": {
      if (value === null) return undefined;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          const problem = jsonProblem(value[i], depth + 1);
          if (problem !== undefined) return `in element ${i}: ${problem}`;
        }
        return undefined;
      }
      const prototype = Object.getPrototypeOf(value);
      if (prototype !== Object.prototype && prototype !== null) return "got a non-plain object";
      for (const [key, field] of Object.entries(value)) {
        const problem = jsonProblem(field, depth + 1);
        if (problem !== undefined) return `in field ${JSON.stringify(key)}: ${problem}`;
      }
      return undefined;
    }
    default:
      return `got ${describeJson(value)}`;
  }
}
