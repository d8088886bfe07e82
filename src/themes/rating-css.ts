/** Styles of the rating view; they load with its chunk. */
export const RATING_CSS = `
.rating{flex:1;overflow-y:auto;padding:24px 16px;display:flex;flex-direction:column;gap:12px;align-items:stretch;text-align:center}
.rating h2{margin:0;font-size:17px}
.stars{display:flex;justify-content:center;gap:4px}
.star{all:unset;cursor:pointer;font-size:32px;line-height:1;color:#c5cbd6;padding:2px}
.star.on{color:#f5a524}
.rating .field{text-align:start}
`;
