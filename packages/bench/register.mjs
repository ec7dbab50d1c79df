// Registers tsx with tsconfig disabled, so `afk/*` resolves through the workspace to the built package
// (packages/afk/dist) exactly as users get it; tsconfig.json maps `afk/*` to source for type-checking only.
import { register } from 'tsx/esm/api';

register({ tsconfig: false });
