/** `#/evals`: eval suite runs (the dashboard lands with the evals work). */
export function EvalsView() {
  return (
    <div className="columns">
      <section className="panel" aria-labelledby="evals-title">
        <h2 id="evals-title">Evals</h2>
        <p className="hint">No eval suites yet.</p>
      </section>
    </div>
  );
}
