/**
 * Debian's Chromium, headless, as every end-to-end test and browser benchmark starts it: no
 * sandbox (containers), and nothing of its own on the network (no downloads, no updates, no
 * sync), so a run depends on this machine only.
 */
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: ARGS });
}

/**
 * A profile in `profileDir` with the unpacked extension in `extensionDir` loaded; `timezoneId`
 * sets the machine's time zone its pages see.
 */
export function launchWithExtension(
  profileDir: string,
  extensionDir: string,
  timezoneId?: string,
): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    ...(timezoneId ? { timezoneId } : {}),
    args: [
      ...ARGS,
      `--disable-extensions-except=${extensionDir}`,
      `--load-extension=${extensionDir}`,
    ],
  });
}

/**
 * A time as the screens write it (date, hours and minutes) in `zone`, worked out in the page's
 * browser: Chromium's ICU words some times unlike Node's (오전 for AM).
 */
export function browserDateTime(
  page: Page,
  iso: string,
  locale: 'ko-KR' | 'en-GB',
  zone: string,
): Promise<string> {
  return page.evaluate(
    ([at, loc, tz]) =>
      new Intl.DateTimeFormat(loc, {
        dateStyle: 'medium',
        timeStyle: 'short',
        timeZone: tz,
      }).format(Date.parse(at)),
    [iso, locale, zone] as const,
  );
}
