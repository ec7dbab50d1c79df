/**
 * The few rules the closed panel needs (the toggle button). Everything else ships with the lazy
 * panel chunk. `:host` is reset by an inline `all: initial` on the host element, so the host
 * page's inherited fonts and colours stop at the shadow boundary.
 */
export const TOGGLE_CSS = `
:host{--afk-dt-fg:#1b1d22;--afk-dt-bg:#ffffff;--afk-dt-line:#c9ccd3;--afk-dt-accent:#3b5bdb}
@media (prefers-color-scheme: dark){:host{--afk-dt-fg:#e6e8ee;--afk-dt-bg:#222630;--afk-dt-line:#3d4350;--afk-dt-accent:#8ea2ff}}
.afk-dt-toggle{position:fixed;z-index:2147483000;display:inline-flex;align-items:center;gap:6px;height:32px;padding:0 12px 0 10px;border-radius:16px;border:1px solid var(--afk-dt-line);background:var(--afk-dt-bg);color:var(--afk-dt-fg);font:600 12px/1 system-ui,-apple-system,"Segoe UI",sans-serif;letter-spacing:.02em;cursor:pointer;box-shadow:0 2px 8px rgb(0 0 0 / .18)}
.afk-dt-toggle:hover{border-color:var(--afk-dt-accent)}
.afk-dt-toggle:focus-visible{outline:2px solid var(--afk-dt-accent);outline-offset:2px}
.afk-dt-dot{width:8px;height:8px;border-radius:50%;background:var(--afk-dt-accent)}
.afk-dt-bottom-right{right:16px;bottom:16px}.afk-dt-bottom-left{left:16px;bottom:16px}
.afk-dt-top-right{right:16px;top:16px}.afk-dt-top-left{left:16px;top:16px}
.afk-dt-loading{position:fixed;z-index:2147483000;left:0;right:0;padding:10px 14px;background:var(--afk-dt-bg);color:var(--afk-dt-fg);border-top:1px solid var(--afk-dt-line);font:12px system-ui,sans-serif}
`;
