/** wagate's look for the API reference at /docs: a wordmark in the top bar, a favicon and the page title. */

const GREEN = '#128c4a';
const STROKE = 'fill="none" stroke="#fff" stroke-width="3" stroke-linecap="round" stroke-linejoin="round"';

/** The top bar's wordmark (Swagger UI draws it 40 px high). */
export const WORDMARK_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="168" height="40" viewBox="0 0 168 40">
<title>wagate</title>
<rect x="2" y="4" width="32" height="32" rx="9" fill="${GREEN}"/>
<path d="M9 14l4 13 5-9 5 9 4-13" ${STROKE}/>
<text x="44" y="29" font-family="sans-serif" font-size="24" font-weight="700" fill="#fff">wagate</text>
</svg>`;

export const FAVICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">
<rect width="32" height="32" rx="9" fill="${GREEN}"/>
<path d="M7 10l4 13 5-9 5 9 4-13" ${STROKE}/>
</svg>`;

/** The top bar in wagate's green instead of Swagger's black. */
export const DOCS_CSS = `.swagger-ui .topbar { background-color: #0b3d24; }
.swagger-ui .topbar .download-url-wrapper .download-url-button { background: ${GREEN}; }
`;

export const DOCS_TITLE = 'wagate API reference';
