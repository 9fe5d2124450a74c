import { existsSync } from 'node:fs'
import { type Browser, chromium } from 'playwright-core'

/** Debian's Chromium, which `.ci/run` installs with apt; tests never download a browser. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

/**
 * Whether browser tests can run here. In CI a missing browser is a failure, not a skip, so a
 * broken install can never turn the browser tests into silent passes.
 */
export function chromiumAvailable(): boolean {
  if (existsSync(CHROMIUM_PATH)) return true
  if (process.env.CI)
    throw new Error(`CI needs Chromium at ${CHROMIUM_PATH} (apt-get install -y chromium)`)
  return false
}

/** Headless Chromium with the flags that keep it off the network and quiet as root. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  })
}
