// The dashboard's Admin pages in a real Chromium against a whole cloud with one TCG compute host:
// the issue's "an admin creates a flavor and lowers a project's quota; the member's launch wizard
// greys out what no longer fits, with the reason", done through the pages in two browsers; then one
// flow per page (flavors with extra specs and access, default and project quotas, compute services,
// hypervisor bars moving live as a guest is booted, projects, users and roles), and a member who
// has no Admin section and whom the admin procedures refuse. Every page is saved as a screenshot.
import { expect, test, type BrowserContext, type Locator, type Page } from "@playwright/test";
import type { ApiClient } from "../stack/client";
import { createProjectUser, type ProjectUser } from "../stack/identity";
import { startStack, type Stack } from "../stack/stack";
import { mark, shot, signedIn, stayed, trpcCall } from "./fixtures";

const HOST = "node-admin";
const HUGE = `e2e-huge-${process.pid}`;

let stack: Stack;
let api: ApiClient;
let member: ProjectUser;
/** The admin's browser and the member's. */
let page: Page;
let memberPage: Page;

test.describe.configure({ mode: "serial" });

const laptop = { viewport: { width: 1360, height: 900 } };

const adminOf = (s: Stack) => ({
  userName: "admin",
  password: s.adminPassword,
  projectName: "admin",
});

/** The table row naming `name` in its first cell. */
const rowOf = (p: Page | Locator, name: string) =>
  p.getByRole("row").filter({ has: p.getByRole("cell", { name, exact: true }) });

test.beforeAll(async ({ browser }) => {
  test.setTimeout(240_000);
  stack = await startStack({
    name: "admin-browser",
    withNext: true,
    computes: [
      { host: HOST, libvirtUri: "qemu:///system", env: { NIMBUS_SHUTDOWN_TIMEOUT: "20" } },
    ],
  });
  api = await stack.compute();
  member = await createProjectUser(stack, { role: "member", name: `adm-${process.pid}` });
  page = await (await signedIn(stack.url, browser, adminOf(stack), laptop)).newPage();
  memberPage = await (await signedIn(stack.url, browser, member, laptop)).newPage();
});

test.afterAll(async () => {
  await stack?.stop();
});

test("an admin's new flavor and lower quota grey out the member's wizard, with the reason", async () => {
  // The admin creates a flavor no quota of one vCPU and no host can take…
  await page.goto(`${stack.url}/admin/flavors`);
  await expect(rowOf(page, "m1.tiny")).toBeVisible();
  await page.getByRole("button", { name: "Create flavor" }).first().click();
  const create = page.getByRole("dialog", { name: "Create flavor" });
  await create.getByLabel("Name").fill(HUGE);
  await create.getByLabel("vCPUs").fill("64");
  await create.getByLabel("RAM (MB)").fill("2048");
  await create.getByLabel("Root disk (GB)").fill("1");
  await shot(page, "admin-flavor-create");
  await create.getByRole("button", { name: "Create flavor" }).click();
  await expect(create).toBeHidden();
  await expect(rowOf(page, HUGE)).toContainText("64");
  await expect(rowOf(page, HUGE)).toContainText("Public");

  // …and lowers the member's project to one vCPU.
  await page.goto(`${stack.url}/admin/quotas`);
  await page.getByLabel("Project", { exact: true }).selectOption({ label: member.projectName });
  const cores = page.getByLabel("vCPUs limit");
  await expect(cores).toHaveValue("20");
  await cores.fill("1");
  await page.getByRole("button", { name: "Save 1 change" }).click();
  await expect(
    page.getByRole("status").filter({ hasText: `Quotas of ${member.projectName} saved` }),
  ).toBeVisible();
  await expect(cores).toHaveValue("1");
  await shot(page, "admin-project-quotas");

  // The member's wizard greys out what no longer fits, saying why.
  await memberPage.goto(`${stack.url}/project/instances/launch`);
  const flavorRow = (name: string) =>
    memberPage.getByRole("row").filter({ has: memberPage.getByRole("radio", { name }) });
  await expect(flavorRow("m1.medium")).toContainText("needs 2 vCPUs, 1 left in your quota");
  await expect(memberPage.getByRole("radio", { name: "m1.medium" })).toBeDisabled();
  await expect(flavorRow(HUGE)).toContainText("needs 64 vCPUs, 1 left in your quota");
  await expect(memberPage.getByRole("radio", { name: HUGE })).toBeDisabled();
  await expect(memberPage.getByRole("radio", { name: "m1.tiny" })).toBeEnabled();
  await shot(memberPage, "member-wizard-greyed");

  // With the quota raised again, the huge flavor is still refused: no host has 64 vCPUs.
  await cores.fill("100");
  await page.getByRole("button", { name: "Save 1 change" }).click();
  await expect(cores).toHaveValue("100");
  await memberPage.reload();
  await expect(flavorRow(HUGE)).toContainText(/no host has 64 vCPUs free/);
  await expect(flavorRow("m1.medium")).not.toContainText("quota");
  await expect(memberPage.getByRole("radio", { name: "m1.medium" })).toBeEnabled();
});

test("flavors: extra specs added, changed and removed; a private flavor granted by project name; delete", async () => {
  await page.goto(`${stack.url}/admin/flavors`);
  await page.getByRole("button", { name: `Extra specs and access of ${HUGE}` }).click();
  const settings = page.getByRole("dialog", { name: `${HUGE}: extra specs and access` });
  await settings.getByLabel("New extra spec key").fill("hw:cpu_policy");
  await settings.getByLabel("New extra spec value").fill("shared");
  await settings.getByRole("button", { name: "Add" }).click();
  await expect(settings.getByLabel("Value of hw:cpu_policy")).toHaveValue("shared");
  await settings.getByLabel("Value of hw:cpu_policy").fill("dedicated");
  await settings.getByRole("button", { name: "Save" }).click();
  // Saved: the value shown is the flavor's again, so there is nothing left to save.
  await expect(settings.getByRole("button", { name: "Save" })).toHaveAttribute(
    "aria-disabled",
    "true",
  );
  await shot(page, "admin-flavor-extra-specs");
  // (An open dialog hides the page from the accessibility tree: close it to read the table.)
  await page.keyboard.press("Escape");
  await expect(rowOf(page, HUGE)).toContainText("hw:cpu_policy=dedicated");
  await page.getByRole("button", { name: `Extra specs and access of ${HUGE}` }).click();
  await settings.getByRole("button", { name: "Remove hw:cpu_policy" }).click();
  await expect(settings).toContainText("None yet.");
  await page.keyboard.press("Escape");
  await expect(rowOf(page, HUGE)).not.toContainText("hw:cpu_policy");

  // A private flavor, granted to the member's project by its name.
  const secret = `e2e-private-${process.pid}`;
  await page.getByRole("button", { name: "Create flavor" }).first().click();
  const create = page.getByRole("dialog", { name: "Create flavor" });
  await create.getByLabel("Name").fill(secret);
  await create.getByLabel("Public (every project may use it)").uncheck();
  await create.getByRole("button", { name: "Create flavor" }).click();
  await expect(rowOf(page, secret)).toContainText("Privateno project yet");
  await page.getByRole("button", { name: `Extra specs and access of ${secret}` }).click();
  const access = page.getByRole("dialog", { name: `${secret}: extra specs and access` });
  await access.getByLabel("Project to grant").selectOption({ label: member.projectName });
  await access.getByRole("button", { name: "Grant" }).click();
  await expect(access.getByRole("listitem").filter({ hasText: member.projectName })).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(rowOf(page, secret)).toContainText(member.projectName);
  await shot(page, "admin-flavors");
  // The member sees it now.
  const listed = await memberPage.context().request.get(`${stack.url}/api/trpc/flavors.list`);
  expect(JSON.stringify(await listed.json())).toContain(secret);

  for (const name of [secret, HUGE]) {
    await page.getByRole("button", { name: `Delete ${name}` }).click();
    const confirm = page.getByRole("dialog", { name: `Delete ${name}?` });
    await expect(confirm).toContainText("This cannot be undone.");
    await confirm.getByRole("button", { name: "Delete" }).click();
    await expect(rowOf(page, name)).toHaveCount(0);
  }
});

test("default quotas: a changed default is saved and shown to every project without its own", async () => {
  await page.goto(`${stack.url}/admin/defaults`);
  const keyPairs = page.getByLabel("Key pairs limit");
  await expect(keyPairs).toHaveValue("100");
  await keyPairs.fill("50");
  await page.getByRole("button", { name: "Save 1 change" }).click();
  await expect(keyPairs).toHaveValue("50");
  await page.reload();
  await expect(page.getByLabel("Key pairs limit")).toHaveValue("50");
  await shot(page, "admin-default-quotas");
  // A project without limits of its own shows the new default beside its limit.
  await page.goto(`${stack.url}/admin/quotas`);
  await page.getByLabel("Project", { exact: true }).selectOption({ label: member.projectName });
  await expect(rowOf(page, "Key pairs")).toContainText("50");
  await page.goto(`${stack.url}/admin/defaults`);
  await page.getByLabel("Key pairs limit").fill("100");
  await page.getByRole("button", { name: "Save 1 change" }).click();
  await expect(page.getByLabel("Key pairs limit")).toHaveValue("100");
});

test("compute services: disabled with a reason shows it, enabling clears it; forced down and back", async () => {
  await page.goto(`${stack.url}/admin/services`);
  const compute = rowOf(page, "nova-compute").filter({ hasText: HOST });
  await expect(compute.getByTestId("service-state")).toHaveText("upenabled");
  await page.getByRole("button", { name: `Actions for nova-compute on ${HOST}` }).click();
  await page.getByRole("menuitem", { name: "Disable…" }).click();
  const dialog = page.getByRole("dialog", { name: `Disable nova-compute on ${HOST}?` });
  await dialog.getByLabel("Reason").fill("disk replacement");
  await dialog.getByRole("button", { name: "Disable" }).click();
  await expect(compute.getByTestId("service-state")).toHaveText("updisabled");
  await expect(compute.getByTestId("disabled-reason")).toHaveText("disk replacement");
  await shot(page, "admin-services-disabled");
  // The API says the same.
  const listed = await api.get(`/os-services?host=${HOST}&binary=nova-compute`);
  expect(listed.body.services[0]).toMatchObject({
    status: "disabled",
    disabled_reason: "disk replacement",
  });

  await page.getByRole("button", { name: `Actions for nova-compute on ${HOST}` }).click();
  await page.getByRole("menuitem", { name: "Enable" }).click();
  await expect(compute.getByTestId("service-state")).toHaveText("upenabled");
  await expect(compute.getByTestId("disabled-reason")).toHaveText("—");

  await page.getByRole("button", { name: `Actions for nova-compute on ${HOST}` }).click();
  await page.getByRole("menuitem", { name: "Force down" }).click();
  await expect(compute.getByTestId("service-state")).toHaveText("forced downenabled");
  await page.getByRole("button", { name: `Actions for nova-compute on ${HOST}` }).click();
  await page.getByRole("menuitem", { name: "Unset forced down" }).click();
  await expect(compute.getByTestId("service-state")).toHaveText("upenabled");
  await shot(page, "admin-services");
});

test("hypervisors: a host's bars move live as a guest is booted and deleted", async ({
  browser,
}) => {
  test.setTimeout(240_000);
  await page.goto(`${stack.url}/admin/hypervisors`);
  const card = page.getByRole("region", { name: HOST });
  const vcpus = card.getByRole("meter", { name: /^vCPUs:/ });
  await expect(vcpus).toHaveAttribute("aria-label", /^vCPUs: 0 of \d+ used$/);
  await expect(card.getByTestId("service-state")).toHaveText("upenabled");
  await mark(page);

  const created = await api.post("/servers", {
    server: { name: "hv-1", imageRef: stack.imageId, flavorRef: "1", networks: "none" },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(202);
  const id: string = created.body.server.id;
  try {
    await expect(vcpus).toHaveAttribute("aria-label", /^vCPUs: 1 of \d+ used$/, {
      timeout: 60_000,
    });
    await expect(card.getByRole("meter", { name: /^RAM:/ })).toHaveAttribute(
      "aria-label",
      /^RAM: 512 MB of /,
    );
    await stack.waitForServer(id, (s) => s.status === "ACTIVE", 180_000);
    await expect(card.getByTestId("running-vms")).toHaveText("1");
    expect(await stayed(page)).toBe(true);
    await shot(page, "admin-hypervisors");

    // The same page on a phone, and in dark mode.
    for (const [name, opts] of [
      ["admin-hypervisors-phone", { viewport: { width: 390, height: 844 } }],
      ["admin-hypervisors-dark", { ...laptop, colorScheme: "dark" }],
    ] as const) {
      const other = await (await signedIn(stack.url, browser, adminOf(stack), opts)).newPage();
      await other.goto(`${stack.url}/admin/hypervisors`);
      const running = other.getByRole("region", { name: HOST }).getByTestId("running-vms");
      await expect(running).toHaveText("1");
      await shot(other, name);
      await other.context().close();
    }
  } finally {
    await api.request("DELETE", `/servers/${id}`);
  }
  await stack.waitForServerGone(id);
  await expect(vcpus).toHaveAttribute("aria-label", /^vCPUs: 0 of \d+ used$/);
  expect(await stayed(page)).toBe(true);
});

test("projects, users and roles: create, grant, revoke, edit, delete", async () => {
  const project = `e2e-proj-${process.pid}`;
  const user = `e2e-user-${process.pid}`;
  await page.goto(`${stack.url}/admin/projects`);
  await page.getByRole("button", { name: "Create project" }).first().click();
  const pdialog = page.getByRole("dialog", { name: "Create project" });
  await pdialog.getByLabel("Name").fill(project);
  await pdialog.getByLabel("Description").fill("made by the admin pages spec");
  await pdialog.getByRole("button", { name: "Create project" }).click();
  await expect(rowOf(page, project)).toContainText("enabled");

  await page.goto(`${stack.url}/admin/users`);
  await page.getByRole("button", { name: "Create user" }).first().click();
  const udialog = page.getByRole("dialog", { name: "Create user" });
  await udialog.getByLabel("Name").fill(user);
  await udialog.getByLabel("Password").fill("pa55word-e2e");
  await udialog.getByLabel("Default project").selectOption({ label: project });
  await udialog.getByRole("button", { name: "Create user" }).click();
  await expect(rowOf(page, user)).toContainText(project);
  await shot(page, "admin-users");

  await page.goto(`${stack.url}/admin/projects`);
  await page.getByRole("button", { name: `Members of ${project}` }).click();
  const members = page.getByRole("dialog", { name: `Members of ${project}` });
  await expect(members).toContainText("Nobody has a role here yet.");
  await members.getByLabel("User", { exact: true }).selectOption({ label: user });
  await members.getByLabel("Role", { exact: true }).selectOption({ label: "member" });
  await members.getByRole("button", { name: "Grant" }).click();
  await expect(members.getByRole("list", { name: "Role assignments" })).toContainText(
    `${user} member`,
  );
  await shot(page, "admin-project-members");
  // The new user can sign in to the project now.
  await stack.login(user, "pa55word-e2e", project);
  await members.getByRole("button", { name: `Revoke member from ${user}` }).click();
  await expect(members).toContainText("Nobody has a role here yet.");
  await page.keyboard.press("Escape");

  await page.getByRole("button", { name: `Edit ${project}` }).click();
  const edit = page.getByRole("dialog", { name: `Edit ${project}` });
  await edit.getByLabel("Enabled (its users may sign in to it)").uncheck();
  await edit.getByRole("button", { name: "Save" }).click();
  await expect(rowOf(page, project)).toContainText("disabled");
  await shot(page, "admin-projects");

  await page.goto(`${stack.url}/admin/users`);
  await page.getByRole("button", { name: `Edit ${user}` }).click();
  const uedit = page.getByRole("dialog", { name: `Edit ${user}` });
  await uedit.getByLabel("Enabled (may sign in)").uncheck();
  await uedit.getByRole("button", { name: "Save" }).click();
  await expect(rowOf(page, user)).toContainText("disabled");
  await page.getByRole("button", { name: `Delete ${user}` }).click();
  await page
    .getByRole("dialog", { name: `Delete ${user}?` })
    .getByRole("button", { name: "Delete" })
    .click();
  await expect(rowOf(page, user)).toHaveCount(0);

  await page.goto(`${stack.url}/admin/projects`);
  await page.getByRole("button", { name: `Delete ${project}` }).click();
  await page
    .getByRole("dialog", { name: `Delete ${project}?` })
    .getByRole("button", { name: "Delete" })
    .click();
  await expect(rowOf(page, project)).toHaveCount(0);
});

test("a member has no Admin section, and the admin procedures refuse it", async () => {
  await memberPage.goto(`${stack.url}/project/instances`);
  const nav = memberPage.getByRole("navigation", { name: "Main" });
  await expect(nav.getByRole("link", { name: "Instances" })).toBeVisible();
  await expect(nav.getByRole("heading", { name: "Admin" })).toHaveCount(0);
  await expect(nav.getByRole("link", { name: "Hypervisors" })).toHaveCount(0);
  await expect(
    page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Hypervisors" }),
  ).toBeVisible();

  // Typing the address shows the refusal in words, and nothing else.
  await memberPage.goto(`${stack.url}/admin/hypervisors`);
  await expect(
    memberPage.getByRole("alert").filter({ hasText: "Only administrators may do this." }),
  ).toBeVisible();
  await shot(memberPage, "member-admin-refused");

  const context: BrowserContext = memberPage.context();
  for (const query of [
    "hypervisors.list",
    "services.list",
    "flavors.all",
    "identity.users",
    "quotas.defaults",
  ]) {
    const res = await context.request.get(`${stack.url}/api/trpc/${query}`);
    expect(res.status(), query).toBe(403);
  }
  const made = await trpcCall(stack.url, context, "flavors.create", {
    name: "sneaky",
    vcpus: 1,
    memoryMb: 64,
    rootGb: 0,
    ephemeralGb: 0,
    swap: 0,
    isPublic: true,
    description: null,
  });
  expect(made.status()).toBe(403);
  expect((await made.json()).error.json.message).toBe("Only administrators may do this.");
  const quota = await trpcCall(stack.url, context, "quotas.update", {
    projectId: member.projectId,
    limits: { cores: 1000 },
  });
  expect(quota.status()).toBe(403);
});
