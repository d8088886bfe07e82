/**
 * Form controls shared by the lazily loaded views (the request form and the rating):
 * fields and the primary button. Both chunks import this, so the rating is styled
 * whether or not the form's chunk was ever loaded on the page.
 */
import { DANGER, v } from './base-css';

export const CONTROLS_CSS = `
.field{display:flex;flex-direction:column;gap:4px}
.field label{font-size:13px;font-weight:600}
.field input:not([type=checkbox]),.field textarea{font:inherit;font-size:16px;line-height:1.4;color:inherit;background:transparent;
  border:1px solid #c5cbd6;border-radius:10px;padding:8px 12px;width:100%}
.field textarea{resize:vertical}
.field [aria-invalid=true]:is(input,textarea){border-color:${DANGER}}
.primary{all:unset;cursor:pointer;text-align:center;padding:11px 16px;border-radius:10px;font-weight:600;
  background:${v('accent')};color:${v('onAccent')}}
`;
