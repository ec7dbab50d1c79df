// What `afk eval` runs: a suite module (JS/TS) exporting its cases and agent, or a JSON/YAML
// cases file with `--agent module#export`. Turns each way that can go wrong into a CliError.
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { importUserModule, loadAgentModule } from '../core/run-sync-module.js';
import type { EvalCase, RunSuiteOptions, SuiteAgent } from '../evals/index.js';
import { loadCases, validateCases } from '../evals/index.js';
import { CliError, EXIT } from './exit-codes.js';

/** What a suite module's `default` (or `suite`) export holds. */
export type SuiteDefinition = Omit<RunSuiteOptions, 'cases' | 'agent'> & {
  cases?: unknown;
  casesFile?: string;
  agent: SuiteAgent;
};

const CASES_FILE = /\.(json|ya?ml)$/i;
const isAgentLike = (v: unknown) =>
  typeof v === 'function' ||
  (typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'agent');

function badInput(message: string): never {
  throw new CliError(EXIT.badInput, message);
}

/** Loads `--agent path#export` (default export name `agent`). */
async function agentFromFlag(spec: string): Promise<SuiteAgent> {
  const hash = spec.lastIndexOf('#');
  const path = hash > 0 ? spec.slice(0, hash) : spec;
  const name = hash > 0 ? spec.slice(hash + 1) : 'agent';
  if (!existsSync(resolve(path))) throw new CliError(EXIT.noSuchFile, `no such file: ${path} (from --agent)`);
  return loadAgentModule(pathToFileURL(resolve(path)).href, name);
}

/** The suite's options (cases validated, every issue listed) from the suite file and flags. */
export async function loadSuite(file: string, agentFlag: string | undefined): Promise<RunSuiteOptions> {
  if (!existsSync(resolve(file))) throw new CliError(EXIT.noSuchFile, `no such file: ${file}`);
  if (CASES_FILE.test(file)) {
    if (!agentFlag) {
      throw new CliError(
        EXIT.usage,
        `${file} is a cases file: name the agent with --agent <module>#<export> (e.g. --agent agent.mjs#agent)`,
      );
    }
    const [cases, agent] = await Promise.all([loadCases(resolve(file)), agentFromFlag(agentFlag)]);
    return { cases, agent };
  }
  const mod = await importUserModule(pathToFileURL(resolve(file)).href);
  const fromExport = (mod.default ?? mod.suite) as Partial<SuiteDefinition> | undefined;
  const def: Partial<SuiteDefinition> =
    fromExport && typeof fromExport === 'object' && ('cases' in fromExport || 'casesFile' in fromExport)
      ? fromExport
      : {
          ...(mod.cases === undefined ? {} : { cases: mod.cases }),
          ...(typeof mod.casesFile === 'string' ? { casesFile: mod.casesFile } : {}),
          ...(mod.agent === undefined ? {} : { agent: mod.agent as SuiteAgent }),
        };
  const { cases: rawCases, casesFile, agent: defAgent, ...rest } = def;
  const agent = agentFlag ? await agentFromFlag(agentFlag) : defAgent;
  if (!agent || !isAgentLike(agent)) {
    badInput(
      `${file} exports no agent: export { cases, agent } (or a default { cases | casesFile, agent }), or pass --agent <module>#<export> (its exports: ${Object.keys(mod).join(', ') || 'none'})`,
    );
  }
  let cases: EvalCase[];
  if (casesFile !== undefined) cases = await loadCases(resolve(dirname(resolve(file)), casesFile));
  else if (rawCases !== undefined) cases = validateCases(rawCases, file);
  else badInput(`${file} exports no cases: export cases (an array) or casesFile (a JSON/YAML path)`);
  return { ...rest, cases, agent } as RunSuiteOptions;
}
