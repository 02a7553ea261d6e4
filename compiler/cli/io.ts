// What a command may touch of the outside world, passed in rather than reached for, so every
// command runs the same under the real process (bin/hydro) and under tests (captured output).
// Each command file exports a factory `(context) => Command` (commander); its action does its
// work through `context.io` and sets `context.exitCode` (0 success, 1 findings or failed
// --check, 2 errors or bad usage). Commands never call process.exit.

import type { Command } from "commander";
import { resolve } from "node:path";

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly stdin: NodeJS.ReadableStream;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Colour is for terminals only, and never when NO_COLOR is set. */
  readonly colors: boolean;
}

export interface CliContext {
  readonly io: CliIo;
  exitCode: number;
}

export type CommandFactory = (context: CliContext) => Command;

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_ERRORS = 2;

/** Paths stay as the user wrote them (so diagnostics say `prog.hydro:3:5`), unless absolute. */
export function resolveInput(file: string, cwd: string): string {
  return file.startsWith("/") || cwd === process.cwd() ? file : resolve(cwd, file);
}
