import { EXIT_CODES_HELP } from './exit-codes.js';

export const MAIN_USAGE = `afk — run AFK agents from a shell

usage:
  afk run <module> [message] [flags]     run the Agent a module exports, live
  afk resume <run-id> --store <dir>      continue a paused run (after an approval)
  afk eval <suite file> [flags]          run an eval suite: progress, summary, reports
  afk devtools [--port N] [--open]       the devtools app, with a bridge for Node runs
  afk help [command]                     this help, or a command's
  afk --version

Run \`afk <command> --help\` for a command's flags.

${EXIT_CODES_HELP}
`;

export const RUN_USAGE = `usage: afk run <module> [message] [flags]

Runs the Agent exported by <module> (.js/.mjs; .ts/.mts through tsx when it is installed) and shows
what happens as it happens: the streamed text, each tool call with its arguments and result, the
approvals it asks for, and at the end its state, steps, tokens, cost and duration.
The message is the first argument after the module; without one, it is read from stdin when stdin
is piped (\`echo hi | afk run agent.mjs\`). Flags may come anywhere.

flags:
  -e, --export <name>    the export holding the Agent (default: agent)
  -t, --thread <id>      thread id: runs on one thread share conversation memory (with --store)
      --context <json>   the run's context, a JSON object (e.g. '{"userId":"u1"}')
      --store <dir>      keep the run in a durable store in <dir> (PostgresStore.embedded) so a
                         paused run can be continued with \`afk resume\`
  -i, --interactive      ask approvals on the terminal even when stdin is not a TTY (answers are
                         read line by line from stdin); the default when stdin is a TTY
      --json             print only the AgentResult as JSON
  -q, --quiet            print only the final text
      --no-color         no colours (also: NO_COLOR=1; FORCE_COLOR=1 forces them)
  -h, --help             this help

approvals: in a terminal, each approval is asked as it comes: [a]pprove, [r]eject (with an optional
reason) or [e]dit the arguments (JSON). Otherwise the run pauses (exit 6) and afk prints the run id
and the \`afk resume\` command that continues it (with --store).

${EXIT_CODES_HELP}
`;

export const RESUME_USAGE = `usage: afk resume <run-id> --store <dir> [flags]

Continues a paused (interrupted) or crashed run kept in the durable store in <dir>. Pending
approvals are asked on the terminal, or decided for all with --approve / --reject. The agent
module is the one the run was started with by \`afk run --store\` (or give it with --module).

flags:
      --store <dir>      the durable store the run is in (required)
  -m, --module <path>    the agent's module (default: the one \`afk run\` recorded for this run)
  -e, --export <name>    the export holding the Agent (default: the recorded one, else agent)
      --approve          approve every pending approval
      --reject           reject every pending approval
      --reason <text>    the reason given with --reject
      --context <json>   the run's context again (secrets are never stored)
  -i, --interactive      ask approvals line by line from stdin even when it is not a TTY
      --json             print only the AgentResult as JSON
  -q, --quiet            print only the final text
      --no-color         no colours
  -h, --help             this help

${EXIT_CODES_HELP}
`;

export const DEVTOOLS_USAGE = `usage: afk devtools [flags]

Serves the devtools app (runs, timelines, approvals, playground) on this machine, together with a
bridge: Node processes that use devtoolsBridge({ url }) from 'afk/devtools-bridge' stream their
runs into it, and every open devtools page shows them live beside the browser's own runs (the page
writes them into its IndexedDB). Runs until Ctrl-C.

flags:
  -p, --port <n>         the port (default 4400; 0: any free port, printed at start)
      --host <host>      the address to listen on (default 127.0.0.1, loopback only). Any other
                         address needs --token: the server refuses to start without one
      --token <secret>   require this token on every request (Node: devtoolsBridge({ token });
                         the page: open the printed URL once, it keeps the token in a cookie).
                         Also read from AFK_DEVTOOLS_TOKEN
      --open             open the app in the default browser
      --app <dir>        serve this built app instead of the one shipped in the package
  -h, --help             this help

exit codes: 0 stopped with Ctrl-C, 2 bad flags (or a non-loopback --host without --token),
7 the app is not built into this package or the port is in use.
`;

export const EVAL_USAGE = `usage: afk eval <suite file> [flags]

Runs an eval suite (see docs/evals.md) and shows its progress (a bar on a terminal, one line per
case otherwise, on stderr), then a summary table and the cases that did not pass; writes the
reports to --out. The suite file is either
  - a module (.js/.mjs; .ts/.mts through tsx) exporting \`cases\` (an array) or \`casesFile\` (a
    JSON/YAML path, relative to the module) and \`agent\` (an Agent, or (case) => Agent), or a
    default export { cases | casesFile, agent, ...runSuite options }; or
  - a JSON/YAML cases file, with --agent <module>#<export>.

flags:
  -a, --agent <module#export>  the agent (default export name: agent); overrides the module's
  -c, --concurrency <n>        cases run at once (default 4)
  -n, --repeat <n>             trials per case (a case's own repeat wins); reports stability
  -r, --reporter <list>        json,junit,markdown,html (default: all four)
  -o, --out <dir>              where reports go (default: ./eval-report): report.json, junit.xml,
                               report.md, report.html
  -b, --baseline <file>        a report.json to compare with: regressed / improved / unchanged
      --fail-on-regression     exit 9 when a case regressed against the baseline
      --min-pass-rate <0..1>   share of cases that must pass (default 1: all)
      --fail-fast              stop starting cases after the first that does not pass
      --judge-cache <file>     llmJudge verdict cache (default: ./.afk/judge-cache.json)
      --devtools <url>         stream the runs to a running \`afk devtools\` (devtoolsBridge)
      --json                   print only the JSON report on stdout
  -q, --quiet                  print only PASSED/FAILED and the counts
      --no-color               no colours (also: NO_COLOR=1; FORCE_COLOR=1 forces them)
  -h, --help                   this help

${EXIT_CODES_HELP}
`;
