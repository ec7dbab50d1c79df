/** The drawer's own layout, on top of the component styles (`styles.css`), compact density. */
export const PANEL_CSS = `
.afk-dt-drawer{container-type:size;position:fixed;z-index:2147483000;left:0;right:0;display:flex;flex-direction:column;background:var(--afk-bg);color:var(--afk-fg);font:13px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;box-shadow:0 -4px 16px rgb(0 0 0 / .18)}
.afk-dt-drawer[hidden]{display:none}
.afk-dt-drawer:focus{outline:none}
.afk-dt-drawer.is-bottom{bottom:0;border-top:1px solid var(--afk-line)}
.afk-dt-drawer.is-top{top:0;border-bottom:1px solid var(--afk-line)}
.afk-dt-drawer *,.afk-dt-drawer *::before,.afk-dt-drawer *::after{box-sizing:border-box}
.afk-dt-resize{position:absolute;left:0;right:0;height:6px;cursor:ns-resize;z-index:1}
.is-bottom>.afk-dt-resize{top:-3px}.is-top>.afk-dt-resize{bottom:-3px}
.afk-dt-head{display:flex;align-items:center;gap:10px;padding:4px 8px 4px 12px;border-bottom:1px solid var(--afk-line);background:var(--afk-panel);min-height:32px}
.afk-dt-title{font-weight:600;font-size:12px;letter-spacing:.02em}
.afk-dt-spacer{flex:1}
.afk-dt-badge{display:inline-flex;align-items:center;gap:4px;font-size:12px;padding:1px 8px;border-radius:10px;border:1px solid var(--afk-line);color:var(--afk-muted)}
.afk-dt-badge.is-pending{border-color:var(--afk-approval);color:var(--afk-approval);font-weight:600}
.afk-dt-icon{all:unset;cursor:pointer;width:24px;height:24px;display:inline-grid;place-items:center;border-radius:4px;color:var(--afk-muted);font-size:14px}
.afk-dt-icon:hover{background:var(--afk-selected);color:var(--afk-fg)}
.afk-dt-icon:focus-visible,.afk-dt-run-item:focus-visible{outline:2px solid var(--afk-accent);outline-offset:-2px}
.afk-dt-body{flex:1;min-height:0;display:grid;grid-template-columns:minmax(220px,260px) 1fr}
.afk-dt-runs{margin:0;padding:0;list-style:none;overflow:auto;border-right:1px solid var(--afk-line);background:var(--afk-panel)}
.afk-dt-run-item{all:unset;box-sizing:border-box;display:grid;grid-template-columns:1fr auto;column-gap:8px;width:100%;padding:5px 10px;cursor:pointer;border-bottom:1px solid var(--afk-line);font-size:12px}
.afk-dt-run-item:hover{background:var(--afk-selected)}
.afk-dt-run-item[aria-current="true"]{background:var(--afk-selected);box-shadow:inset 3px 0 0 var(--afk-accent)}
.afk-dt-run-agent{font-weight:600;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.afk-dt-run-meta{grid-column:1 / 3;color:var(--afk-muted);font-size:11px;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.afk-dt-run-time{color:var(--afk-muted);font-size:11px}
.afk-dt-main{min-width:0;min-height:0;display:grid;grid-template-columns:minmax(0,1.6fr) minmax(240px,1fr);gap:8px;padding:8px}
.afk-dt-main>*{min-height:0;overflow:auto}
.afk-dt-main>.afk-empty{grid-column:1 / -1}
.afk-dt-status{font-weight:600}
@container (max-width: 760px){
.afk-dt-body{grid-template-columns:1fr;grid-template-rows:minmax(64px,30%) 1fr}
.afk-dt-runs{border-right:0;border-bottom:1px solid var(--afk-line)}
.afk-dt-main{grid-template-columns:1fr;grid-template-rows:minmax(0,1.4fr) minmax(0,1fr)}
}
`;
