/** How {@link submitConsent} answers the consent page. */
export interface ConsentChoice {
  /** The account to sign in as. */
  login: string
  /** False clicks Cancel instead of Authorize. */
  approve?: boolean
}

/**
 * Does in two requests what a browser does on the authorize page: loads it, then submits its
 * form with the Authorize (or Cancel) button. Returns where GitHub redirects the browser — the
 * app's `redirect_uri` with `code` and `state`, or with `error`. A silent re-login redirects
 * straight from the first request, as on GitHub.
 *
 * @example
 * const back = await submitConsent(authUrl, { login: 'octocat' })
 * await proxy.callback(back.searchParams.get('code'), back.searchParams.get('state'))
 */
export async function submitConsent(authUrl: string, choice: ConsentChoice): Promise<URL> {
  const page = await fetch(authUrl, { redirect: 'manual' })
  const early = page.headers.get('location')
  await page.body?.cancel()
  if (early) return new URL(early)
  if (page.status !== 200) throw new Error(`The authorize page answered ${page.status}`)
  const form = new URLSearchParams(new URL(authUrl).searchParams)
  form.set('login', choice.login)
  form.set('authorize', choice.approve === false ? '0' : '1')
  const submitted = await fetch(new URL('/login/oauth/authorize', authUrl), {
    method: 'POST',
    body: form,
    redirect: 'manual',
  })
  const location = submitted.headers.get('location')
  if (!location) {
    // Only the page's own words, not its stylesheet.
    const main = /<main>([\s\S]*)<\/main>/.exec(await submitted.text())?.[1] ?? ''
    const text = main
      .replace(/<[^>]+>/g, ' ')
      .replace(/\s+/g, ' ')
      .trim()
    throw new Error(`The authorize page did not redirect (${submitted.status}): ${text}`)
  }
  return new URL(location)
}
