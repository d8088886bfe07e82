/** Styles of the teaser beside the launcher; they load with its chunk. */
import { FONT, v } from './base-css';

export const TEASER_CSS = `
.teaser{position:absolute;bottom:72px;right:0;width:280px;display:flex;align-items:flex-start;gap:4px;padding:10px 6px 10px 14px;
  background:${v('panelBackground')};color:${v('panelText')};border-radius:14px;box-shadow:0 8px 28px rgba(0,0,0,.2);font:14px/1.4 var(--confab-font-family,${FONT})}
:host([data-position=left]) .teaser{right:auto;left:0}
.teaser-body{all:unset;cursor:pointer;flex:1;display:flex;flex-direction:column;gap:2px;min-width:0}
.teaser-body span{display:-webkit-box;-webkit-line-clamp:3;-webkit-box-orient:vertical;overflow:hidden}
.teaser .icon-button{width:28px;height:28px}
`;
