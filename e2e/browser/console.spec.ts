// The full-page console in a real Chromium, against a whole cloud serving the dashboard: a member
// boots a real tiny-Linux guest, opens the URL the stock CLI's `console url show` prints, sees the
// guest's screen, types a command without clicking first, pastes another from the clipboard, and
// the guest runs both (their output is in the serial console log, which the tiny image tees its
// shell to). Stopping the instance is then said on the page in plain words.
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { promisify } from "node:util";
import { expect, test, type Page } from "@playwright/test";
import type { ApiClient } from "../stack/client";
import { createServer, isActive, serverAction } from "../stack/servers";
import { startStack, type Stack } from "../stack/stack";

const BOOT_MS = 120_000;
const BANNER = /NIMBUS TINY LINUX \S+ BOOTED/;

let stack: Stack;
let alice: ApiClient;
let id: string;

test.describe.configure({ mode: "serial" });

test.beforeAll(async () => {
  test.setTimeout(4 * BOOT_MS);
  stack = await startStack({
    name: "console-browser",
    withNext: true,
    computes: [
      {
        host: "node-browser",
        libvirtUri: "qemu:///system",
        env: { NIMBUS_SHUTDOWN_TIMEOUT: "30" },
      },
    ],
  });
  alice = await stack.compute({ user: "alice", project: "p1" });
  id = await createServer(stack, alice, { name: "console-browser" });
  await stack.waitForServer(id, isActive, BOOT_MS);
  await expect.poll(consoleLog, { timeout: BOOT_MS, intervals: [500] }).toMatch(BANNER);
});

test.afterAll(async () => {
  await stack?.stop();
});

async function consoleLog(): Promise<string> {
  const res = await serverAction(alice, id, { "os-getConsoleOutput": {} });
  expect(res.status).toBe(200);
  return res.body.output as string;
}

/** `openstack console url show SERVER` as alice, the way a person gets the URL. */
async function cliConsoleUrl(): Promise<string> {
  const token = await stack.token({ user: "alice", project: "p1" });
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith("OS_")),
  ) as NodeJS.ProcessEnv;
  const { stdout } = await promisify(execFile)(
    "openstack",
    [
      ...["--os-auth-type", "admin_token", "--os-token", token],
      ...["--os-endpoint", stack.computeUrl, "--os-compute-api-version", "2.6"],
      ...["console", "url", "show", id, "-f", "value", "-c", "url"],
    ],
    { env, timeout: 60_000 },
  );
  return stdout.trim();
}

/** Pixels of the console's canvas that differ from its top-left corner (the background). */
function litPixels(page: Page): Promise<number> {
  return page.evaluate(() => {
    const canvas = document.querySelector<HTMLCanvasElement>("[data-testid=console-screen] canvas");
    const ctx = canvas?.getContext("2d");
    if (!canvas || !ctx || canvas.width === 0) return 0;
    const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    let lit = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i] !== data[0] || data[i + 1] !== data[1] || data[i + 2] !== data[2]) lit++;
    }
    return lit;
  });
}

/** The marker printed on a line of its own in the console log: the command ran. */
const ranLine = (marker: string) => new RegExp(`(^|\\n)${marker}\\r?\\n`);

test("the URL from `openstack console url show` opens the guest's screen, typed into at once", async ({
  page,
  context,
}, testInfo) => {
  const url = await cliConsoleUrl();
  expect(new URL(url).pathname).toBe("/console");
  await page.goto(url);

  const status = page.getByRole("status");
  await expect(status).toHaveAttribute("data-state", "connected");
  await expect(status).toContainText(`instance-${id}`);
  await expect.poll(() => litPixels(page)).toBeGreaterThan(500);
  const before = await litPixels(page);

  // No click: the console took the keyboard when it connected.
  expect(await page.evaluate(() => document.activeElement?.tagName)).toBe("CANVAS");
  const typed = `console-${randomBytes(4).toString("hex")}`;
  await page.keyboard.type(`echo ${typed}`);
  await page.keyboard.press("Enter");
  await expect.poll(consoleLog, { timeout: 60_000 }).toMatch(ranLine(typed));
  // The screen changed with it.
  await expect.poll(() => litPixels(page)).not.toBe(before);

  // Paste: the clipboard's text is typed as keystrokes, Shift and newline included.
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: stack.url });
  const pasted = `Pasted-${randomBytes(4).toString("hex")}`;
  await page.evaluate((text) => navigator.clipboard.writeText(text), `echo ${pasted}\n`);
  await page.getByRole("button", { name: "Paste" }).click();
  await expect.poll(consoleLog, { timeout: 60_000 }).toMatch(ranLine(pasted));

  await page.screenshot({ path: testInfo.outputPath("console-page.png") });
});

test("a made-up link says it is not valid instead of an error code", async ({ page }) => {
  const url = await cliConsoleUrl();
  const madeUp = url.replace(/token%3D[A-Za-z0-9_-]+/, `token%3D${"A".repeat(43)}`);
  await page.goto(madeUp);
  const status = page.getByRole("status");
  await expect(status).toHaveAttribute("data-state", "closed");
  await expect(status).toContainText("This console link is not valid");
});

test("stopping the instance is said on the page in plain words", async ({ page }, testInfo) => {
  await page.goto(await cliConsoleUrl());
  const status = page.getByRole("status");
  await expect(status).toHaveAttribute("data-state", "connected");
  const res = await serverAction(alice, id, { "os-stop": null });
  expect(res.status).toBe(202);
  await expect(status).toHaveAttribute("data-state", "closed", { timeout: BOOT_MS });
  await expect(status).toHaveText(/^The instance (was|is being) stopped\.$/);
  await expect(page.getByRole("button", { name: "Reconnect" })).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath("console-stopped.png") });
});
