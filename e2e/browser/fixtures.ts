// What the browser specs share: contexts signed in through the dashboard's own tRPC sign-in (no
// form), tRPC calls made from inside a context as its pages make them, and screenshots.
import {
  expect,
  test,
  type APIResponse,
  type Browser,
  type BrowserContext,
  type Page,
} from "@playwright/test";

export interface Credentials {
  userName: string;
  password: string;
  projectName: string;
}

/** A tRPC mutation from inside a context (its cookie, this site's Origin), as the page makes them. */
export function trpcCall(
  url: string,
  context: BrowserContext,
  path: string,
  input: unknown,
): Promise<APIResponse> {
  return context.request.post(`${url}/api/trpc/${path}`, {
    headers: { origin: url, "content-type": "application/json" },
    data: JSON.stringify({ json: input }),
  });
}

/** A browser context signed in as `who`. */
export async function signedIn(
  url: string,
  browser: Browser,
  who: Credentials,
  opts: Parameters<Browser["newContext"]>[0] = {},
): Promise<BrowserContext> {
  const context = await browser.newContext(opts);
  const res = await trpcCall(url, context, "session.login", {
    username: who.userName,
    password: who.password,
    project: who.projectName,
  });
  expect(res.status(), await res.text()).toBe(200);
  return context;
}

/** A screenshot in the test's artifacts (test-results/playwright/…). */
export async function shot(p: Page, name: string) {
  await p.screenshot({ path: test.info().outputPath(`${name}.png`), fullPage: true });
}

/** Marks the page; `stayed` is true only if the same document is still loaded (no reload). */
export const mark = (p: Page) =>
  p.evaluate(() => ((window as unknown as { __noReload: boolean }).__noReload = true));
export const stayed = (p: Page) =>
  p.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload === true);
