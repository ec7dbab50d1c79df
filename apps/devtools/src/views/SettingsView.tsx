import { SettingsForm } from '../components/SettingsForm';

/** `#/settings`: the playground's model (a key stays in this tab's memory only). */
export function SettingsView() {
  return (
    <div className="columns">
      <SettingsForm />
    </div>
  );
}
