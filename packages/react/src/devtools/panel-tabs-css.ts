/** The panel's tabs (Runs, Approvals), its Approvals view and its key list. Theme variables only. */
export const PANEL_TABS_CSS = `
.afk-dt-tabs{display:flex;gap:2px;margin-left:8px}
.afk-dt-tabs>button{all:unset;cursor:pointer;display:inline-flex;align-items:center;gap:6px;padding:3px 10px;border-radius:6px;font-size:12px;color:var(--afk-muted)}
.afk-dt-tabs>button:hover{background:var(--afk-selected);color:var(--afk-fg)}
.afk-dt-tabs>button[aria-selected="true"]{background:var(--afk-raised);color:var(--afk-fg);font-weight:600;box-shadow:inset 0 -2px 0 var(--afk-accent)}
.afk-dt-tabs>button:focus-visible{outline:2px solid var(--afk-accent);outline-offset:-2px}
.afk-dt-count{display:inline-flex;min-width:18px;justify-content:center;padding:0 5px;border-radius:9px;font-size:11px;font-weight:600;border:1px solid var(--afk-line);color:var(--afk-muted)}
.afk-dt-count.is-pending{border-color:var(--afk-approval);color:var(--afk-approval)}
.afk-dt-sr{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}
.afk-dt-view{flex:1;min-height:0;overflow:auto;padding:8px 12px}
.afk-dt-view>.afk-dt-inbox{max-width:1100px}
.afk-dt-keys{position:absolute;right:8px;top:40px;z-index:2;width:min(420px,calc(100% - 16px));max-height:calc(100% - 48px);overflow:auto;padding:8px 12px 10px;background:var(--afk-raised);border:1px solid var(--afk-line);border-radius:8px;box-shadow:0 6px 24px rgb(0 0 0 / .22)}
.afk-dt-keys-head{display:flex;align-items:center;justify-content:space-between}
.afk-dt-keys-title{margin:10px 0 2px;font-size:11px;font-weight:600;letter-spacing:.04em;text-transform:uppercase;color:var(--afk-muted)}
.afk-dt-keys-list{margin:0;display:grid}
.afk-dt-keys-row{display:grid;grid-template-columns:150px 1fr;align-items:center;min-height:24px;border-bottom:1px solid var(--afk-line);font-size:12px}
.afk-dt-keys-row dd{margin:0}
`;
