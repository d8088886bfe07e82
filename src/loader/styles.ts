/**
 * Adopts a stylesheet into a shadow root. Constructed stylesheets are not subject to
 * the host page's CSP `style-src`; where they are missing, a `<style>` element carries
 * the loader's own nonce so a strict CSP still accepts it.
 */
export function adoptStyles(root: ShadowRoot, css: string, nonce?: string): void {
  // Browsers shipped adoptedStyleSheets and replaceSync together.
  if (root.adoptedStyleSheets) {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
    return;
  }
  const style = document.createElement('style');
  if (nonce) style.nonce = nonce;
  style.textContent = css;
  root.prepend(style);
}
