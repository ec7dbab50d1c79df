/** `#/compare/<a>/<b>`: two runs side by side (placeholder until the diff view lands). */
export function CompareView({ runIdA, runIdB }: { runIdA: string; runIdB: string }) {
  return (
    <div className="columns">
      <section className="panel" aria-labelledby="compare-title">
        <h2 id="compare-title">Compare</h2>
        <p className="hint mono">
          {runIdA} ↔ {runIdB}
        </p>
      </section>
    </div>
  );
}
