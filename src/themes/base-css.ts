/**
 * The widget's stylesheet, adopted into its shadow root. Every colour is a theme token
 * (see tokens.ts); sizes are px because rem would follow the host page's root font size.
 */
import { LIGHT, cssVariable, type ColorTokens } from './tokens';

/** A theme token as a CSS value, with its default for when the host sets none. */
export const v = (token: keyof ColorTokens) => `var(${cssVariable(token)},${LIGHT[token]})`;

/**
 * Error and success text. Fixed colours read on light panels only; the theme chunk sets
 * lighter ones on a dark panel (status.ts), so they keep AA contrast in dark mode too.
 */
export const DANGER = 'var(--confab-danger,#b42318)';
export const SUCCESS = 'var(--confab-success,#0b6b3a)';

export const FONT = 'system-ui,-apple-system,"Segoe UI",Roboto,sans-serif';

export const BASE_CSS = `
*,*::before,*::after{box-sizing:border-box}
a{color:inherit}
.launcher{position:relative}
.badge{position:absolute;top:-4px;right:-4px;min-width:20px;padding:0 5px;border-radius:10px;background:#d92d20;color:#fff;font:600 12px/20px system-ui,sans-serif;text-align:center}
.badge[hidden]{display:none}
.panel{position:absolute;bottom:72px;right:0;width:370px;height:min(600px,calc(100vh - 120px));display:flex;flex-direction:column;
  background:${v('panelBackground')};color:${v('panelText')};border-radius:var(--confab-radius,16px);overflow:hidden;
  box-shadow:0 12px 40px rgba(0,0,0,.22);font:14px/1.45 var(--confab-font-family,${FONT});text-align:start}
:host([data-position=left]) .panel{right:auto;left:0}
.panel[hidden]{display:none}
.header{display:flex;align-items:center;gap:10px;padding:12px 12px 12px 16px;background:${v('accent')};color:${v('onAccent')}}
.avatar{width:36px;height:36px;border-radius:50%;object-fit:cover;flex:none;background:rgba(255,255,255,.25)}
.who{flex:1;min-width:0}
[dir=rtl] .who{text-align:right}
.who strong{display:block;font-size:15px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.who span{display:block;font-size:12px;opacity:.9;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.icon-button,.banner button,.meta button,.composer .send,.link{all:unset;cursor:pointer}
.banner button,.meta button,.link{text-decoration:underline;font-weight:600}
.icon-button{width:36px;height:36px;border-radius:8px;display:flex;align-items:center;justify-content:center;font-size:18px}
.icon-button svg{width:22px;height:22px;fill:currentColor}
.banner{padding:8px 16px;font-size:12px;background:#fff4e5;color:#7a4100;display:flex;gap:8px;align-items:center;justify-content:space-between}
.log{flex:1;overflow-y:auto;padding:16px;display:flex;flex-direction:column;gap:6px;overscroll-behavior:contain}
.empty,.notice{margin:auto 0;text-align:center;color:${v('mutedText')};font-size:12px;padding:8px}
.notice{margin:8px 0}
.divider{text-align:center;color:${v('mutedText')};font-size:12px;margin:8px 0}
.msg{max-width:80%;display:flex;flex-direction:column;align-items:flex-start}
.msg.visitor{align-self:flex-end;align-items:flex-end}
.bubble{padding:8px 12px;border-radius:calc(var(--confab-radius,16px) - 2px);max-width:100%;white-space:pre-wrap;overflow-wrap:anywhere;background:${v('operatorBubble')};color:${v('operatorText')}}
.visitor .bubble{background:var(--confab-visitor-bubble,var(--confab-accent,${LIGHT.visitorBubble}));color:${v('visitorText')}}
.msg.failed .bubble,.msg.deleted .bubble{opacity:.7}
.meta{font-size:12px;color:${v('mutedText')};margin:2px 4px 0;display:flex;gap:6px;align-items:center}
.meta button{color:${DANGER}}
.meta .error{color:${DANGER}}
.author{font-size:12px;color:${v('mutedText')};margin:0 4px 2px}
.typing{font-size:12px;color:${v('mutedText')};padding:0 16px 6px;min-height:18px}
.composer{display:flex;flex-wrap:wrap;gap:4px 8px;align-items:flex-end;padding:10px 12px;border-top:1px solid rgba(0,0,0,.08)}
.composer textarea{flex:1;resize:none;border:1px solid #c5cbd6;border-radius:10px;padding:9px 12px;max-height:120px;min-height:42px;
  font:inherit;font-size:16px;line-height:1.4;color:inherit;background:transparent}
.composer .tools{display:flex;flex-basis:100%}
.composer .send{width:42px;height:42px;border-radius:50%;background:${v('accent')};color:${v('onAccent')};
  display:flex;align-items:center;justify-content:center;flex:none}
.composer .send[aria-disabled=true]{opacity:.5;cursor:default}
.composer .send svg{width:20px;height:20px;fill:currentColor}
[dir=rtl] .send svg{transform:scaleX(-1)}
.hint{font-size:12px;color:${DANGER};padding:0 16px 6px}
.sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.quote{margin:0 0 6px;padding:4px 8px;border-inline-start:3px solid currentColor;opacity:.85;font-size:12px;display:flex;flex-direction:column}
.quote span{overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.meta .reply{color:inherit;font-weight:600;text-decoration:none}
.meta .read{color:${SUCCESS}}
.replying{display:flex;gap:8px;align-items:center;justify-content:space-between;padding:6px 12px;font-size:12px;border-top:1px solid rgba(0,0,0,.08)}
.replying span{overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.end-bar{display:flex;gap:12px;align-items:center;justify-content:flex-end;padding:4px 12px;font-size:12px;border-bottom:1px solid rgba(0,0,0,.06)}
.end-bar.confirm{justify-content:space-between;background:rgba(245,165,36,.14)}
.link{font-size:12px;align-self:center}
.link.danger{color:${DANGER}}
@media (max-width:480px){
  .panel{position:fixed;inset:0;width:auto;height:auto;border-radius:0;padding-bottom:env(safe-area-inset-bottom)}
  :host([data-open]) .launcher{display:none}
}
@media (prefers-reduced-motion:no-preference){.panel{animation:confab-in .16s ease-out}}
@keyframes confab-in{from{opacity:0;transform:translateY(8px)}}
:host :focus-visible,label:focus-within{outline:3px solid ${v('accent')};outline-offset:2px}
:host .header :focus-visible{outline-color:${v('onAccent')}}
`;
