/** Styles of the request form and its thank-you; they load with the form's chunk (with controls-css). */
import { DANGER, v } from './base-css';

export const FORM_CSS = `
.lead,.thanks{flex:1;overflow-y:auto;padding:16px;display:flex;flex-direction:column;gap:10px}
.lead h2,.thanks h2{margin:0;font-size:17px}
.intro,.hint{margin:0;font-size:13px;color:${v('mutedText')}}
.hint{padding:0}
.summary{margin:0;font-size:13px;color:${DANGER};font-weight:600}
.optional{font-weight:400;color:${v('mutedText')}}
.field .error,.hint.error{margin:0;font-size:12px;color:${DANGER}}
.consent label{display:flex;gap:8px;align-items:flex-start;font-weight:400}
.consent input{width:18px;height:18px;margin:1px 0 0;flex:none;accent-color:${v('accent')}}
.hp{position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden;visibility:hidden}
.offer{display:flex;gap:8px;align-items:center;justify-content:space-between;padding:8px 12px;border-radius:10px;background:#e7f6ec;color:#0b5c2b;font-size:13px}
.offer button{all:unset;cursor:pointer;font-weight:700;text-decoration:underline}
.thanks{justify-content:center;text-align:center}
`;
