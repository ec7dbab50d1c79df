/**
 * The `afk` command's exit codes: one per kind of outcome a script or a person acts on
 * differently. Stable; listed in `afk --help` and docs/cli.md.
 */
export const EXIT = {
  /** The run completed (`afk eval`: the suite passed). */
  ok: 0,
  /** The run ended failed, degraded or cancelled (`afk eval`: the suite failed). */
  runFailed: 1,
  /** Bad command line: unknown flag or command, missing argument. */
  usage: 2,
  /** The agent module file does not exist. */
  noSuchFile: 3,
  /** The module does not load: a syntax error (file:line:column) or an error thrown while importing. */
  moduleError: 4,
  /** The module has no Agent under the export name (the exports it has are listed). */
  noExport: 5,
  /** The run is paused (`interrupted`), waiting for an approval or a background result. */
  interrupted: 6,
  /** Not available here (e.g. `--store` without the durable store, TypeScript without tsx). */
  unsupported: 7,
  /** `afk resume`: no such run in the store. */
  runNotFound: 8,
  /** `afk eval`: a case regressed against `--baseline` and `--fail-on-regression` was given. */
  regressed: 9,
  /** `afk eval`: the suite or cases file is malformed (every issue is listed), or the baseline is. */
  badInput: 10,
  /** A bug in afk itself; please report it with the message. */
  internal: 70,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** The table printed by `afk --help`. */
export const EXIT_CODES_HELP = `exit codes:
  0   the run completed (afk eval: the suite passed)
  1   the run ended failed, degraded or cancelled (afk eval: the suite failed)
  2   bad command line (unknown flag or command, missing argument)
  3   no such file (the agent module)
  4   the module does not load (syntax error with file:line:column, or an import error)
  5   the module has no Agent under that export name (its exports are listed)
  6   the run is paused (interrupted), waiting for an approval: see the printed afk resume command
  7   unsupported here (--store without afk/memory/postgres, TypeScript without tsx)
  8   afk resume: no such run in the store
  9   afk eval: a case regressed against --baseline (with --fail-on-regression)
  10  afk eval: malformed suite, cases or baseline file (every issue is listed)
  70  internal error in afk (a bug: please report it)`;

/** An error the command reports as `afk: <message>` with its exit code (no stack). */
export class CliError extends Error {
  override name = 'CliError';
  constructor(
    readonly exitCode: ExitCode,
    message: string,
  ) {
    super(message);
  }
}
