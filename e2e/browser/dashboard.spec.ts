// The dashboard in a real Chromium against a whole cloud with a real TCG guest: sign in, launch
// from the wizard and watch BUILD → ACTIVE arrive without a reload (in a second browser too), stop
// and start, the instance page's tabs and console, the task drawer, a reader who can change
// nothing (and is refused by tRPC and REST alike), the socket catching up after a drop, delete,
// sign out. Every main page is saved as a
// screenshot. (The wizard greying out what an admin's changes make impossible: admin-pages.spec.ts.)
import {
  expect,
  test,
  type Browser,
  type BrowserContext,
  type Locator,
  type Page,
} from "@playwright/test";
import { randomBytes } from "node:crypto";
import type { ApiClient } from "../stack/client";
import { createProjectUser, type ProjectUser } from "../stack/identity";
import { serverAction } from "../stack/servers";
import { startStack, type Stack } from "../stack/stack";
import { mark, shot, signedIn as signedInAs, stayed, trpcCall as trpcCallAt } from "./fixtures";

const BOOT_MS = 180_000;
const NAME = "web-1";

let stack: Stack;
let admin: ApiClient;
let member: ProjectUser;
let reader: ProjectUser;
/** The member's two browsers (a second window on the same project) and the reader's. */
let page: Page;
let watcher: Page;
let readerPage: Page;
let serverId: string;

/** The server's serial console log, through the API (as the admin). */
async function serialLog(id: string): Promise<string> {
  const res = await serverAction(admin, id, { "os-getConsoleOutput": {} });
  expect(res.status).toBe(200);
  return res.body.output as string;
}

test.describe.configure({ mode: "serial" });

/** A browser context signed in through the dashboard's own tRPC sign-in (no form). */
const signedIn = (
  browser: Browser,
  user: ProjectUser,
  opts: Parameters<typeof signedInAs>[3] = {},
) => signedInAs(stack.url, browser, user, opts);
const trpcCall = (context: BrowserContext, path: string, input: unknown) =>
  trpcCallAt(stack.url, context, path, input);

const row = (p: Page, name = NAME) =>
  p.getByRole("row").filter({ has: p.getByRole("link", { name, exact: true }) });
const statusOf = (r: Locator) => r.getByTestId("status");

async function rowAction(p: Page, label: string) {
  await p.getByRole("button", { name: `Actions for ${NAME}` }).click();
  await p.getByRole("menuitem", { name: label, exact: true }).click();
}

test.beforeAll(async ({ browser }) => {
  test.setTimeout(240_000);
  stack = await startStack({
    name: "dashboard-browser",
    withNext: true,
    computes: [
      { host: "node-dash", libvirtUri: "qemu:///system", env: { NIMBUS_SHUTDOWN_TIMEOUT: "20" } },
    ],
  });
  admin = await stack.compute();
  member = await createProjectUser(stack, { role: "member", name: `dash-${process.pid}` });
  reader = await createProjectUser(stack, {
    role: "reader",
    name: `dash-reader-${process.pid}`,
    project: { projectId: member.projectId, projectName: member.projectName },
  });
  page = await (await browser.newContext({ viewport: { width: 1360, height: 900 } })).newPage();
  watcher = await (await signedIn(browser, member)).newPage();
  readerPage = await (
    await signedIn(browser, reader, { viewport: { width: 1360, height: 900 } })
  ).newPage();
});

test.afterAll(async () => {
  await stack?.stop();
});

test("signing in: the form, the API's refusal in words, then the instances", async () => {
  await page.goto(`${stack.url}/project/instances`);
  await expect(page).toHaveURL(/\/login$/);
  await shot(page, "login");
  await page.getByLabel("User name").fill(member.userName);
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.locator("form").getByRole("alert")).toHaveText("Wrong user name or password.");
  await page.getByLabel("Password").fill(member.password);
  await page.getByLabel("Project").fill(member.projectName);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/project\/instances$/);
  await expect(page.getByRole("heading", { name: "No instances yet" })).toBeVisible();
  await expect(page.getByRole("status").filter({ hasText: "Live" })).toHaveAttribute(
    "data-state",
    "live",
  );
  // The session is an HttpOnly cookie: page scripts cannot read it.
  expect(await page.evaluate(() => document.cookie)).not.toContain("nimbus_session");
  await shot(page, "instances-empty");
});

test("launching from the wizard: BUILD → ACTIVE arrives live, in a second browser too", async () => {
  test.setTimeout(BOOT_MS + 60_000);
  await watcher.goto(`${stack.url}/project/instances`);
  await expect(watcher.getByRole("heading", { name: "No instances yet" })).toBeVisible();
  await mark(watcher);
  await mark(page);
  // Every status the row shows, in order, as the page renders it.
  await page.evaluate((name) => {
    const seen: string[] = [];
    (window as unknown as { __statuses: string[] }).__statuses = seen;
    new MutationObserver(() => {
      for (const tr of Array.from(document.querySelectorAll("tr"))) {
        const link = tr.querySelector("a");
        const status = tr.querySelector("[data-testid=status]")?.textContent;
        if (link?.textContent === name && status && seen.at(-1) !== status) seen.push(status);
      }
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  }, NAME);

  await page.getByRole("link", { name: "Launch instance" }).first().click();
  await expect(page.getByRole("heading", { name: "Launch instance" })).toBeVisible();
  await page.getByLabel("Name").fill(NAME);
  await page.getByRole("radio", { name: "tiny-linux" }).check();
  await page.getByRole("radio", { name: "m1.tiny" }).check();
  await expect(page.getByRole("meter", { name: /^vCPUs: 0 used, 1 after launch/ })).toBeVisible();
  await shot(page, "launch-wizard");
  await page.getByRole("button", { name: "Launch instance" }).click();

  await expect(page).toHaveURL(/\/project\/instances$/);
  const mine = row(page);
  await expect(statusOf(mine)).toHaveText("ACTIVE", { timeout: BOOT_MS });
  const statuses = await page.evaluate(
    () => (window as unknown as { __statuses: string[] }).__statuses,
  );
  expect(statuses[0]).toMatch(/^BUILD/);
  expect(statuses.at(-1)).toBe("ACTIVE");
  expect(await stayed(page)).toBe(true);
  serverId = (await mine.getByRole("link", { name: NAME }).getAttribute("href"))!.split("/").pop()!;

  // The other browser was told: the row appeared and turned ACTIVE without a reload.
  await expect(statusOf(row(watcher))).toHaveText("ACTIVE");
  expect(await stayed(watcher)).toBe(true);
  await shot(page, "instances-active");
  await shot(watcher, "instances-second-browser");
});

test("stop and start from the row's menu; what the state forbids says why", async () => {
  test.setTimeout(BOOT_MS);
  await page.getByRole("button", { name: `Actions for ${NAME}` }).click();
  const start = page.getByRole("menuitem", { name: /^Start/ });
  await expect(start).toHaveAttribute("data-disabled", "");
  await expect(start).toContainText("Not possible while the instance is ACTIVE.");
  await shot(page, "row-actions-menu");
  await page.keyboard.press("Escape");

  await rowAction(page, "Shut off");
  await expect(statusOf(row(page))).toHaveText(/^ACTIVE · powering-off$|^SHUTOFF$/);
  await expect(statusOf(row(page))).toHaveText("SHUTOFF", { timeout: 90_000 });
  await expect(statusOf(row(watcher))).toHaveText("SHUTOFF");
  await rowAction(page, "Start");
  await expect(statusOf(row(page))).toHaveText("ACTIVE", { timeout: 90_000 });
  expect(await stayed(page)).toBe(true);
});

test("the instance page: overview, console, action log with the scheduler's explanation, console log", async () => {
  test.setTimeout(BOOT_MS);
  await row(page).getByRole("link", { name: NAME }).click();
  await expect(page.getByRole("heading", { name: new RegExp(NAME) })).toBeVisible();
  await expect(page.getByTestId("status")).toHaveText("ACTIVE");
  await expect(page.getByText("m1.tiny").first()).toBeVisible();
  await shot(page, "instance-overview");

  await page.getByRole("tab", { name: "Console", exact: true }).click();
  const consoleStatus = page.getByRole("status").filter({ hasText: /Connect/ });
  await expect(consoleStatus).toHaveAttribute("data-state", "connected", { timeout: 60_000 });
  await expect(consoleStatus).toContainText(`instance-${serverId}`);
  // Typed into the console tab, a command runs in the guest: the marker it echoes reaches the serial
  // log on a line of its own. Typed again if the guest's shell was not reading yet.
  const marker = `console-${randomBytes(4).toString("hex")}`;
  await expect(async () => {
    await page.locator("[data-testid=console-screen] canvas").click();
    await page.keyboard.type(`echo ${marker}`);
    await page.keyboard.press("Enter");
    await expect
      .poll(() => serialLog(serverId), { timeout: 10_000 })
      .toMatch(new RegExp(`(^|\\n)${marker}\\r?\\n`));
  }).toPass({ timeout: 90_000 });
  await shot(page, "instance-console");

  await page.getByRole("tab", { name: "Action log" }).click();
  const log = page.getByRole("list", { name: "Action log" });
  for (const action of ["Launch", "Shut off", "Start"]) {
    await expect(log.getByText(action, { exact: true })).toBeVisible();
  }
  await expect(page.getByTestId("scheduler-explanation")).toContainText(
    "The scheduler considered 1 host and chose node-dash",
  );
  await shot(page, "instance-action-log");

  await page.getByRole("tab", { name: "Console log" }).click();
  await expect(page.getByTestId("console-log")).toContainText(/NIMBUS TINY LINUX \S+ BOOTED/, {
    timeout: 60_000,
  });
  await shot(page, "instance-console-log");
});

test("the task drawer lists the project's recent actions and leads to an instance's log", async () => {
  await page.getByRole("button", { name: /^Tasks/ }).click();
  const drawer = page.getByRole("dialog", { name: "Recent tasks" });
  await expect(
    drawer.getByRole("link", { name: new RegExp(`^Launch ${NAME}.*Succeeded`) }),
  ).toBeVisible();
  await expect(
    drawer.getByRole("link", { name: new RegExp(`^Shut off ${NAME}.*Succeeded`) }),
  ).toBeVisible();
  await shot(page, "task-drawer");
  await drawer.getByRole("link", { name: new RegExp(`^Start ${NAME}`) }).click();
  await expect(page).toHaveURL(new RegExp(`/project/instances/${serverId}\\?tab=actions$`));
  await expect(page.getByRole("tab", { name: "Action log" })).toHaveAttribute(
    "aria-selected",
    "true",
  );
});

test("a reader sees everything and can change nothing; tRPC and REST refuse it anyway", async () => {
  await readerPage.goto(`${stack.url}/project/instances`);
  await expect(statusOf(row(readerPage))).toHaveText("ACTIVE");
  await expect(readerPage.getByRole("button", { name: "Launch instance" })).toHaveAttribute(
    "aria-disabled",
    "true",
  );
  await readerPage.getByRole("button", { name: `Actions for ${NAME}` }).click();
  for (const label of ["Shut off", "Delete"]) {
    const item = readerPage.getByRole("menuitem", { name: new RegExp(`^${label}`) });
    await expect(item).toHaveAttribute("data-disabled", "");
    await expect(item).toContainText("Your role here (reader) does not allow this.");
  }
  await shot(readerPage, "reader-row-menu");
  await readerPage.keyboard.press("Escape");
  await readerPage.goto(`${stack.url}/project/instances/${serverId}`);
  await expect(readerPage.getByRole("button", { name: "Shut off" })).toHaveAttribute(
    "aria-disabled",
    "true",
  );
  await readerPage.getByRole("button", { name: "Shut off" }).focus();
  await expect(readerPage.getByRole("tooltip").first()).toContainText(
    "Your role here (reader) does not allow this.",
  );
  await shot(readerPage, "reader-instance");

  const viaTrpc = await trpcCall(readerPage.context(), "servers.action", {
    id: serverId,
    action: "stop",
  });
  expect(viaTrpc.status()).toBe(403);
  expect((await viaTrpc.json()).error.json.message).toBe(
    "Policy doesn't allow servers:stop to be performed.",
  );
  const viaRest = await reader.compute().post(`/servers/${serverId}/action`, { "os-stop": null });
  expect(viaRest.status).toBe(403);
  expect((await admin.get(`/servers/${serverId}`)).body.server.status).toBe("ACTIVE");
});

test("a phone-width window and dark mode", async ({ browser }) => {
  const phone = await (
    await signedIn(browser, member, { viewport: { width: 390, height: 844 }, colorScheme: "dark" })
  ).newPage();
  await phone.goto(`${stack.url}/project/instances`);
  await expect(statusOf(row(phone))).toHaveText("ACTIVE");
  await shot(phone, "instances-phone-dark");
  await phone.getByRole("button", { name: "Open navigation" }).click();
  await expect(
    phone.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Instances" }),
  ).toBeVisible();
  await shot(phone, "navigation-phone-dark");
  await phone.context().close();
});

test("after a drop the socket reconnects and catches up on what happened meanwhile", async () => {
  test.setTimeout(BOOT_MS);
  await page.goto(`${stack.url}/project/instances`);
  await expect(statusOf(row(page))).toHaveText("ACTIVE");
  await mark(page);
  const live = page.locator("[role=status][data-state]").first();
  await expect(live).toHaveAttribute("data-state", "live");
  // A stop is accepted and then held by a frozen compute until the web (and the socket) is gone,
  // so its end happens while the page cannot hear it.
  const compute = stack.process("compute:node-dash");
  compute.signal("SIGSTOP");
  try {
    const stop = await admin.post(`/servers/${serverId}/action`, { "os-stop": null });
    expect(stop.status).toBe(202);
    await stack.process("web").kill("SIGKILL");
    await expect(live).toHaveAttribute("data-state", "offline");
  } finally {
    compute.signal("SIGCONT");
  }
  await stack.events.waitFor(serverId, (i) => i.vmState === "stopped", 60_000);
  await stack.process("web").start();
  await expect(live).toHaveAttribute("data-state", "live", { timeout: 60_000 });
  await expect(statusOf(row(page))).toHaveText("SHUTOFF");
  expect(await stayed(page)).toBe(true);
});

test("delete after a confirmation: the row leaves both browsers", async () => {
  await page.goto(`${stack.url}/project/instances`);
  await mark(page);
  await rowAction(page, "Delete");
  const confirm = page.getByRole("dialog", { name: `Delete ${NAME}?` });
  await expect(confirm).toContainText("This cannot be undone.");
  await shot(page, "delete-confirmation");
  await confirm.getByRole("button", { name: "Delete" }).click();
  await expect(row(page)).toHaveCount(0, { timeout: 90_000 });
  await expect(row(watcher)).toHaveCount(0);
  expect(await stayed(page)).toBe(true);
  expect(await stayed(watcher)).toBe(true);
  await stack.waitForServerGone(serverId);
});

test("signing out revokes the session", async () => {
  await page.getByRole("button", { name: /User menu$/ }).click();
  await page.getByRole("menuitem", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login\?reason=signed-out$/);
  await expect(page.locator("form").getByRole("status")).toHaveText("You have signed out.");
  // The second browser shared nothing with the first: it is still signed in.
  const me = await watcher.context().request.get(`${stack.url}/api/trpc/session.me`);
  expect(me.status()).toBe(200);
});
