import { demoAgentFor, EXAMPLE_CASES, EXAMPLE_SUITE_NAME } from './example-suite';
import { SuiteProgress } from './SuiteProgress';
import { DEVTOOLS_SUITE_CONCURRENCY, useSuiteRun } from './suite-run';

/**
 * "Run example suite" in the playground: runs the example cases over the demo agents in the page
 * (`runSuite` with `onProgress`), shows a progress bar, and links the stored report.
 */
export function ExampleSuite() {
  const { state, start } = useSuiteRun();
  const running = state.status === 'running';
  return (
    <section
      className="panel example-suite"
      aria-labelledby="example-suite-title"
      data-testid="example-suite"
    >
      <h2 id="example-suite-title">Example eval suite</h2>
      <p className="hint">
        {EXAMPLE_CASES.length} cases over the demo agents on their scripted models — tool calls, final texts,
        a background job, an expected failure. The report opens in Evals.
      </p>
      <button
        type="button"
        className="afk-btn"
        disabled={running}
        onClick={() =>
          void start({
            name: EXAMPLE_SUITE_NAME,
            cases: [...EXAMPLE_CASES],
            agent: demoAgentFor,
            concurrency: DEVTOOLS_SUITE_CONCURRENCY,
          })
        }
        data-testid="run-example-suite"
      >
        {running ? 'Running…' : '▶ Run example suite'}
      </button>
      <SuiteProgress state={state} label="Example suite progress" />
    </section>
  );
}
