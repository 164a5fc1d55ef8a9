// The dashboard's Project pages (Overview, Key pairs, Images) and Admin › Usage in a real Chromium
// against a whole cloud with one TCG compute host: the overview's quota rings and usage follow an
// instance booted through the API without a reload; a key pair is created (its private key shown
// once and downloaded) and deleted, another imported; an image is uploaded with its progress bar
// reaching 100 % and deleted, a protected one refused in the API's words; the admin's usage lists
// the project; a reader sees every page and can change nothing. Every page is saved as a screenshot.
import { readFile } from "node:fs/promises";
import { expect, test, type Page } from "@playwright/test";
import type { ApiClient } from "../stack/client";
import { client } from "../stack/client";
import { createProjectUser, type ProjectUser } from "../stack/identity";
import { createServer } from "../stack/servers";
import { startStack, type Stack } from "../stack/stack";
import { mark, shot, signedIn, stayed, trpcCall } from "./fixtures";

const BOOT_MS = 180_000;
const SERVER = "usage-1";

let stack: Stack;
let member: ProjectUser;
let reader: ProjectUser;
let page: Page;
let readerPage: Page;
let serverId: string;

test.describe.configure({ mode: "serial" });

const laptop = { viewport: { width: 1360, height: 900 } };

const meter = (p: Page, name: string | RegExp) => p.getByRole("meter", { name });
const rowWith = (p: Page, text: string) =>
  p.getByRole("row").filter({ has: p.getByRole("cell", { name: text, exact: true }) });

/** The Glance API as the member (the dashboard has no edit form for `protected`). */
const glance = (): ApiClient => client(`${stack.url}/image/v2`, { "x-auth-token": member.token });

test.beforeAll(async ({ browser }) => {
  test.setTimeout(240_000);
  stack = await startStack({
    name: "project-pages",
    withNext: true,
    computes: [
      { host: "node-pages", libvirtUri: "qemu:///system", env: { NIMBUS_SHUTDOWN_TIMEOUT: "20" } },
    ],
  });
  member = await createProjectUser(stack, { role: "member", name: `pages-${process.pid}` });
  reader = await createProjectUser(stack, {
    role: "reader",
    name: `pages-reader-${process.pid}`,
    project: { projectId: member.projectId, projectName: member.projectName },
  });
  page = await (await signedIn(stack.url, browser, member, laptop)).newPage();
  readerPage = await (await signedIn(stack.url, browser, reader, laptop)).newPage();
});

test.afterAll(async () => {
  if (serverId) {
    await member.compute().request("DELETE", `/servers/${serverId}`);
    await stack.waitForServerGone(serverId).catch(() => undefined);
  }
  await stack?.stop();
});

test("overview: quota rings and usage follow a new instance, pushed, without a reload", async () => {
  test.setTimeout(BOOT_MS + 60_000);
  await page.goto(`${stack.url}/project/overview`);
  await expect(page.getByRole("link", { name: "Overview" })).toHaveAttribute(
    "aria-current",
    "page",
  );
  await expect(meter(page, "Instances: 0 of 10 used, 10 left")).toBeVisible();
  await expect(meter(page, /^Key pairs: 0 of 100 used/)).toBeVisible();
  await expect(page.getByRole("heading", { name: "Nothing ran" })).toBeVisible();
  await shot(page, "overview-empty");
  await mark(page);

  serverId = await createServer(stack, member.compute(), { name: SERVER });
  await expect(meter(page, "Instances: 1 of 10 used, 9 left")).toBeVisible();
  await expect(meter(page, "vCPUs: 1 of 20 used, 19 left")).toBeVisible();
  await expect(meter(page, /^RAM: 512 MB of 50 GB used/)).toBeVisible();
  // Once it runs it counts in the period's usage; the row arrives with the ACTIVE event.
  await stack.waitForServer(serverId, (s) => s.status === "ACTIVE", BOOT_MS);
  const usage = page.getByRole("table", { name: "Usage by instance" });
  await expect(usage.getByRole("link", { name: SERVER })).toBeVisible();
  await expect(rowWith(page, SERVER)).toContainText("m1.tiny");
  expect(await stayed(page)).toBe(true);
  // The period picker's radios are drawn as a segmented control: a person clicks the label.
  await page.locator("label", { hasText: "Last 7 days" }).click();
  await expect(page.getByRole("radio", { name: "Last 7 days" })).toBeChecked();
  await expect(usage.getByRole("link", { name: SERVER })).toBeVisible();
  await shot(page, "overview");
});

test("overview at a phone's width and in dark mode", async ({ browser }) => {
  const phone = await (
    await signedIn(stack.url, browser, member, {
      viewport: { width: 390, height: 844 },
      colorScheme: "dark",
    })
  ).newPage();
  await phone.goto(`${stack.url}/project/overview`);
  await expect(meter(phone, "Instances: 1 of 10 used, 9 left")).toBeVisible();
  await expect(phone.getByRole("link", { name: SERVER })).toBeVisible();
  await shot(phone, "overview-phone-dark");
  await phone.context().close();
  const dark = await (
    await signedIn(stack.url, browser, member, { ...laptop, colorScheme: "dark" })
  ).newPage();
  await dark.goto(`${stack.url}/project/overview`);
  await expect(dark.getByRole("link", { name: SERVER })).toBeVisible();
  await shot(dark, "overview-dark");
  await dark.context().close();
});

test("key pairs: create shows the private key once, to download; then delete", async () => {
  const name = `kp-${process.pid}`;
  await page.goto(`${stack.url}/project/key-pairs`);
  await expect(page.getByRole("heading", { name: "No key pairs yet" })).toBeVisible();
  await shot(page, "key-pairs-empty");
  await page.getByRole("button", { name: "Create key pair" }).click();
  const create = page.getByRole("dialog", { name: "Create a key pair" });
  // The form says what the API would refuse, before sending it.
  await create.getByLabel("Name").fill("no/slashes");
  await create.getByRole("button", { name: "Create" }).click();
  await expect(create).toContainText("Use only letters, digits, spaces and . _ - @ in the name.");
  await create.getByLabel("Name").fill(name);
  await create.getByRole("button", { name: "Create" }).click();

  const created = page.getByRole("dialog", { name: `Key pair ${name} created` });
  await expect(created.getByRole("alert")).toContainText(
    "This is the only time the private key is shown.",
  );
  await expect(created.getByLabel("Private key")).toHaveValue(
    /^-----BEGIN [A-Z ]*PRIVATE KEY-----/,
  );
  await shot(page, "key-pair-created");
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    created.getByRole("button", { name: `Download ${name}.pem` }).click(),
  ]);
  expect(download.suggestedFilename()).toBe(`${name}.pem`);
  expect(await readFile((await download.path())!, "utf8")).toMatch(/PRIVATE KEY-----\s*$/);
  await created.getByRole("button", { name: "Done" }).click();
  await expect(created).toBeHidden();

  const row = rowWith(page, name);
  await expect(row).toContainText(/SHA256:|[0-9a-f]{2}(:[0-9a-f]{2}){15}/);
  // The API agrees: the key pair is the member's.
  expect((await member.compute().get(`/os-keypairs/${name}`)).status).toBe(200);
  await shot(page, "key-pairs");

  await page.getByRole("button", { name: `Delete ${name}` }).click();
  const confirm = page.getByRole("dialog", { name: `Delete ${name}?` });
  await expect(confirm).toContainText("This cannot be undone.");
  await confirm.getByRole("button", { name: "Delete" }).click();
  // (While the dialog is open the page behind it is hidden from the accessibility tree.)
  await expect(confirm).toBeHidden();
  await expect(row).toHaveCount(0);
  expect((await member.compute().get(`/os-keypairs/${name}`)).status).toBe(404);
});

test("key pairs: import a public key", async () => {
  // A real public key, made by the API under another name and removed again.
  // (2.91: the last microversion that generates key pairs.)
  const made = await member.compute("2.91").post("/os-keypairs", { keypair: { name: "source" } });
  expect(made.status, JSON.stringify(made.body)).toBe(201);
  await member.compute().request("DELETE", "/os-keypairs/source");
  const name = `imported-${process.pid}`;

  await page.goto(`${stack.url}/project/key-pairs`);
  await page.getByRole("button", { name: "Import public key" }).click();
  const dialog = page.getByRole("dialog", { name: "Import a public key" });
  await dialog.getByLabel("Name").fill(name);
  await dialog.getByLabel("Public key").fill("ssh-rsa not-a-key");
  await dialog.getByRole("button", { name: "Import" }).click();
  // The API's own words for a key it cannot read.
  await expect(dialog.getByRole("alert")).toContainText("Keypair data is invalid");
  await dialog.getByLabel("Public key").fill(made.body.keypair.public_key);
  await shot(page, "key-pair-import");
  await dialog.getByRole("button", { name: "Import" }).click();
  await expect(dialog).toBeHidden();
  await expect(rowWith(page, name)).toContainText(made.body.keypair.fingerprint);
});

test("images: upload with a progress bar reaching 100 %, active, then delete", async () => {
  const name = `upload-${process.pid}`;
  await page.goto(`${stack.url}/project/images`);
  await expect(rowWith(page, "tiny-linux")).toContainText("active");
  await shot(page, "images");

  // Every value the progress bar shows, in order, as the page renders it.
  await page.evaluate(() => {
    const seen: number[] = [];
    (window as unknown as { __progress: number[] }).__progress = seen;
    new MutationObserver(() => {
      const bar = document.querySelector("[role=progressbar][aria-label='Upload progress']");
      const value = Number(bar?.getAttribute("aria-valuenow"));
      if (bar && seen.at(-1) !== value) seen.push(value);
    }).observe(document.body, { subtree: true, childList: true, attributes: true });
  });
  await page.getByRole("button", { name: "Upload image" }).click();
  const dialog = page.getByRole("dialog", { name: "Upload an image" });
  // Public is for administrators: offered, but not selectable.
  await expect(dialog.getByRole("option", { name: "public" })).toBeDisabled();
  await dialog.getByLabel("Image file").setInputFiles({
    name: `${name}.raw`,
    mimeType: "application/octet-stream",
    buffer: Buffer.alloc(8 * 1024 * 1024, 7),
  });
  await expect(dialog.getByLabel("Name")).toHaveValue(name);
  await expect(dialog.getByLabel("Disk format")).toHaveValue("raw");
  await shot(page, "image-upload");
  await dialog.getByRole("button", { name: "Upload" }).click();
  const bar = dialog.getByRole("progressbar", { name: "Upload progress" });
  await expect(bar).toHaveAttribute("aria-valuenow", "100", { timeout: 60_000 });
  await expect(dialog).toContainText("Uploaded: the image is active.");
  await expect(dialog).toContainText("8.0 MiB of 8.0 MiB · 100%");
  await shot(page, "image-uploaded-dialog");
  // The bar started from nothing and moved up to the end, never back.
  const progress = await page.evaluate(
    () => (window as unknown as { __progress: number[] }).__progress,
  );
  expect(progress[0]).toBe(0);
  expect(progress).toEqual([...progress].sort((a, b) => a - b));
  await dialog.getByRole("button", { name: "Done" }).click();
  await expect(dialog).toBeHidden();
  const row = rowWith(page, name);
  await expect(row).toContainText("active");
  await expect(row).toContainText("8.0 MiB");
  await expect(row).toContainText("raw");
  await shot(page, "images-uploaded");

  await page.getByRole("button", { name: `Delete ${name}` }).click();
  const confirm = page.getByRole("dialog", { name: `Delete ${name}?` });
  await confirm.getByRole("button", { name: "Delete" }).click();
  await expect(confirm).toBeHidden();
  await expect(row).toHaveCount(0);
  expect((await glance().get(`/images?name=${name}`)).body.images).toEqual([]);
});

test("images: a protected image is refused in the API's words", async () => {
  const made = await glance().post("/images", {
    name: `kept-${process.pid}`,
    disk_format: "qcow2",
    container_format: "bare",
    protected: true,
  });
  expect(made.status, JSON.stringify(made.body)).toBe(201);
  try {
    await page.goto(`${stack.url}/project/images`);
    await page.getByRole("button", { name: `Delete kept-${process.pid}` }).click();
    await page
      .getByRole("dialog", { name: `Delete kept-${process.pid}?` })
      .getByRole("button", { name: "Delete" })
      .click();
    await expect(page.getByRole("alert").filter({ hasText: "was not deleted" })).toContainText(
      `Image ${made.body.id} is protected and cannot be deleted.`,
    );
    const row = page.getByRole("row").filter({ hasText: `kept-${process.pid}` });
    await expect(row.getByLabel("Protected")).toBeVisible();
    await expect(row).toContainText("queued");
    await shot(page, "image-protected-refused");
  } finally {
    await glance().request(
      "PATCH",
      `/images/${made.body.id}`,
      [{ op: "replace", path: "/protected", value: false }],
      { "content-type": "application/openstack-images-v2.1-json-patch" },
    );
    await glance().request("DELETE", `/images/${made.body.id}`);
  }
});

test("admin usage lists the project's usage, sortable", async ({ browser }) => {
  const admin = await (
    await signedIn(
      stack.url,
      browser,
      { userName: "admin", password: stack.adminPassword, projectName: "admin" },
      laptop,
    )
  ).newPage();
  await admin.goto(`${stack.url}/admin/usage`);
  await expect(admin.getByRole("heading", { name: "Usage across projects" })).toBeVisible();
  const row = admin.getByRole("row").filter({ hasText: member.projectName });
  await expect(row).toBeVisible();
  await expect(row.getByRole("cell").nth(1)).toHaveText("1");
  const project = admin.getByRole("columnheader", { name: "Project" });
  await project.getByRole("button").click();
  await expect(project).toHaveAttribute("aria-sort", "ascending");
  await shot(admin, "admin-usage");
  await admin.context().close();
});

test("a reader sees every page and can change nothing; the API refuses anyway", async () => {
  await readerPage.goto(`${stack.url}/project/overview`);
  await expect(meter(readerPage, "Instances: 1 of 10 used, 9 left")).toBeVisible();
  await expect(
    readerPage.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Usage" }),
  ).toHaveCount(0);

  await readerPage.goto(`${stack.url}/project/key-pairs`);
  for (const label of ["Create key pair", "Import public key"]) {
    await expect(readerPage.getByRole("button", { name: label })).toHaveAttribute(
      "aria-disabled",
      "true",
    );
  }
  await readerPage.getByRole("button", { name: "Create key pair" }).focus();
  await expect(readerPage.getByRole("tooltip").first()).toContainText(
    "Your role here (reader) cannot create key pairs.",
  );
  await shot(readerPage, "reader-key-pairs");

  await readerPage.goto(`${stack.url}/project/images`);
  await expect(rowWith(readerPage, "tiny-linux")).toBeVisible();
  await expect(readerPage.getByRole("button", { name: "Upload image" })).toHaveAttribute(
    "aria-disabled",
    "true",
  );
  await expect(readerPage.getByRole("button", { name: "Delete tiny-linux" })).toHaveAttribute(
    "aria-disabled",
    "true",
  );
  await shot(readerPage, "reader-images");

  const context = readerPage.context();
  const viaTrpc = await trpcCall(stack.url, context, "keyPairs.create", { name: "nope" });
  expect(viaTrpc.status()).toBe(403);
  expect((await viaTrpc.json()).error.json.message).toBe(
    "Policy doesn't allow keypairs:create to be performed.",
  );
  const queued = await glance().post("/images", {
    name: `reader-target-${process.pid}`,
    disk_format: "raw",
    container_format: "bare",
  });
  try {
    const upload = await context.request.put(`${stack.url}/api/images/${queued.body.id}/file`, {
      headers: { origin: stack.url, "content-type": "application/octet-stream" },
      data: Buffer.from("not allowed"),
    });
    expect(upload.status()).toBe(403);
    expect((await upload.json()).message).toBe(
      "Policy doesn't allow images:write to be performed.",
    );
    const viaAdmin = await context.request.get(
      `${stack.url}/api/trpc/usage.all?input=${encodeURIComponent(JSON.stringify({ json: { period: "24h" } }))}`,
    );
    expect(viaAdmin.status()).toBe(403);
  } finally {
    await glance().request("DELETE", `/images/${queued.body.id}`);
  }
});
