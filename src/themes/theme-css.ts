/**
 * Styles that only a customised theme needs (offsets, stacking, a custom launcher
 * icon); they load with the theme chunk. A later adopted sheet of the same specificity
 * wins, so these override the loader's fixed 20px.
 */
export const THEME_CSS = `
:host{bottom:var(--confab-offset-y,20px)!important;right:var(--confab-offset-x,20px)!important;z-index:var(--confab-z-index,2147483000)!important}
:host([data-position=left]){right:auto!important;left:var(--confab-offset-x,20px)!important}
.launcher img{width:100%;height:100%;border-radius:50%;object-fit:cover}
`;
