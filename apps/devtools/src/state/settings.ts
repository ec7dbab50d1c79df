import { create } from 'zustand';

export type ModelProvider = 'scripted' | 'openai' | 'openai-compatible';

/** The playground's model choice. The API key lives in this in-memory store only: never persisted, never logged. */
export interface ModelSettings {
  provider: ModelProvider;
  model: string;
  apiKey: string;
  baseURL: string;
}

export const SCRIPTED_SETTINGS: ModelSettings = { provider: 'scripted', model: '', apiKey: '', baseURL: '' };

interface SettingsState {
  settings: ModelSettings;
  apply(settings: ModelSettings): void;
  reset(): void;
}

export const useSettings = create<SettingsState>()((set) => ({
  settings: SCRIPTED_SETTINGS,
  apply: (settings) => set({ settings }),
  reset: () => set({ settings: SCRIPTED_SETTINGS }),
}));

/** A label that never includes the key. */
export function describeModel(s: ModelSettings): string {
  if (s.provider === 'scripted') return 'scripted demo model (offline, no key)';
  return `${s.provider}:${s.model}${s.baseURL ? ` at ${s.baseURL}` : ''}`;
}
