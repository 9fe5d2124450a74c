// The demo's sessionStorage keys: the token lives as long as its tab, and other tabs and sites
// never see it. Its own module so the browser tests read the same keys without loading the app.

/** Who is signed in in this tab (`SignedIn`, as JSON). */
export const SIGNED_IN_KEY = 'oauth-demo.signed-in'
/** The OAuth `state` this tab sent to GitHub, checked on the way back. */
export const STATE_KEY = 'oauth-demo.oauth-state'
