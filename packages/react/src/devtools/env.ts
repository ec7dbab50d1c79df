/**
 * Whether this is a production build. Bundlers replace `process.env.NODE_ENV` (webpack, esbuild
 * with `define`, Vite) or `import.meta.env.PROD` (Vite) at build time, so the comparison folds to a
 * constant; where neither exists (a bare ES module in a page) the lookups throw and this says no.
 */
export function isProductionBuild(): boolean {
  try {
    if (process.env.NODE_ENV === 'production') return true;
  } catch {
    // no `process` in this environment
  }
  try {
    if ((import.meta as ImportMeta & { env?: { PROD?: boolean } }).env?.PROD === true) return true;
  } catch {
    // no `import.meta.env` in this environment
  }
  return false;
}
