/**
 * The widget's own CSS, inside its shadow root. `:host` resets every property with !important:
 * in the cascade an important shadow-root rule beats the host page's important rules, so page CSS
 * such as `body * { display: none !important }` cannot hide or restyle the widget, and nothing
 * inherited from the page (fonts, colours) leaks in. `--kw-primary` and `--kw-on-primary` are set
 * on `.kw` by script; everything else is explicit.
 */
export const WIDGET_CSS = `
:host{all:initial!important;display:block!important;position:static!important}
*,*::before,*::after{box-sizing:border-box}
[hidden]{display:none!important}
.kw{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#1d2330;
  --kw-gap:20px}
.kw-sr{position:absolute;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;clip:rect(0 0 0 0);
  white-space:nowrap;border:0}
button,textarea{font:inherit;color:inherit;margin:0}
button{cursor:pointer}
:focus{outline:none}
:focus-visible{outline:3px solid #111827;outline-offset:2px;box-shadow:0 0 0 5px #fff}
.kw-launcher{position:fixed;bottom:var(--kw-gap);z-index:2147483000;width:56px;height:56px;border:0;
  border-radius:50%;background:var(--kw-primary);color:var(--kw-on-primary);display:flex;
  align-items:center;justify-content:center;box-shadow:0 4px 14px rgba(0,0,0,.25);padding:0}
.kw-right .kw-launcher{right:var(--kw-gap)}
.kw-left .kw-launcher{left:var(--kw-gap)}
.kw-launcher svg{width:26px;height:26px;fill:currentColor}
.kw-badge{position:absolute;top:2px;right:2px;width:14px;height:14px;border-radius:50%;background:#d92d20;
  border:2px solid #fff}
.kw-panel{position:fixed;bottom:88px;z-index:2147483000;width:370px;max-width:calc(100vw - 24px);
  height:560px;max-height:calc(100vh - 112px);display:flex;flex-direction:column;background:#fff;
  border-radius:14px;box-shadow:0 10px 40px rgba(0,0,0,.28);overflow:hidden;border:1px solid #d8dce3}
.kw-right .kw-panel{right:var(--kw-gap)}
.kw-left .kw-panel{left:var(--kw-gap)}
.kw-header{display:flex;align-items:center;gap:10px;padding:12px 12px 12px 16px;background:var(--kw-primary);
  color:var(--kw-on-primary)}
.kw-logo{width:28px;height:28px;border-radius:6px;object-fit:cover;background:#fff}
.kw-title{flex:1;margin:0;font-size:16px;font-weight:600;overflow:hidden;text-overflow:ellipsis;
  white-space:nowrap}
.kw-end,.kw-close{background:transparent;border:1px solid currentColor;border-radius:8px;color:inherit;
  padding:4px 10px;font-size:13px}
.kw-close{border:0;width:32px;height:32px;padding:0;font-size:22px;line-height:1}
.kw-log{flex:1;overflow-y:auto;padding:14px;display:flex;flex-direction:column;gap:8px;background:#f6f7f9}
.kw-msg{max-width:85%;padding:8px 12px;border-radius:12px;white-space:pre-wrap;overflow-wrap:anywhere}
.kw-msg-bot,.kw-msg-agent{align-self:flex-start;background:#fff;border:1px solid #d8dce3}
.kw-msg-visitor{align-self:flex-end;background:var(--kw-primary);color:var(--kw-on-primary)}
.kw-msg-pending{opacity:.7}
.kw-author{display:block;font-size:12px;font-weight:600;color:#4a5263;margin-bottom:2px}
.kw-line{align-self:center;font-size:13px;color:#4a5263;text-align:center}
.kw-actions{display:flex;flex-wrap:wrap;gap:6px;align-self:flex-start}
.kw-action{background:#fff;border:1px solid var(--kw-primary);border-radius:16px;padding:5px 12px;
  color:#1d2330;font-size:13px}
.kw-action:hover{background:#eef0f4}
.kw-notice{margin:0;padding:8px 14px;font-size:13px;background:#fff8e6;color:#5c4300;
  border-top:1px solid #f0d58c}
.kw-form{display:flex;gap:8px;padding:10px;border-top:1px solid #d8dce3;background:#fff}
.kw-input{flex:1;resize:none;border:1px solid #a9b0bc;border-radius:10px;padding:8px 10px;height:40px;
  max-height:120px;background:#fff;color:#1d2330}
.kw-send{border:0;border-radius:10px;padding:0 14px;background:var(--kw-primary);color:var(--kw-on-primary);
  font-weight:600}
.kw-send:disabled{opacity:.6;cursor:default}
@media (max-width:639.98px){
  .kw-hide-mobile{display:none!important}
  .kw-panel{bottom:84px;height:calc(100vh - 100px)}
  .kw{--kw-gap:12px}
}
`;
