// The first contents of a new cloud, like `keystone-manage bootstrap` plus Nova's and Glance's
// defaults: roles, the admin and service projects, the admin user, the service user the compute
// hosts act as (`nimbus`, admin in project `service`), the m1.* flavors, the default quota class
// and one public image. Idempotent: every item is looked up by its natural key and only created
// when missing, so a second run changes nothing.
// CLI: `npm run seed -w @nimbus/db -- [--admin-password P] [--service-password P] [--image FILE]
// [--images-dir DIR] [--image-name NAME]` (defaults from NIMBUS_ADMIN_PASSWORD,
// NIMBUS_SERVICE_PASSWORD, NIMBUS_SEED_IMAGE, NIMBUS_IMAGES_DIR).
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, open, rename, rm, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { hash, verify } from "@node-rs/argon2";
import { pino, type Logger } from "pino";
import { adminPassword as adminPasswordSchema, loadSeedConfig } from "./config";
import { createDb, type Db } from "./index";

export interface SeedOptions {
  adminPassword: string;
  /** The service user's password; without one the service user is not created. */
  servicePassword?: string;
  /** The qcow2 file to register as the public image. */
  imagePath: string;
  /** Where image files live; the image is copied there as `<image id>`. */
  imagesDir: string;
  imageName?: string;
  logger?: Logger;
}

export interface SeedResult {
  /** What this run created or changed, e.g. "role admin"; empty when there was nothing to do. */
  changes: string[];
}

const ROLES = ["admin", "member", "reader"] as const;

/** The user compute hosts act as towards the image API (Nova's `nova` service user). */
export const SERVICE_USER = "nimbus";

// Nova's historical default flavors (openstack-manuals, "Manage flavors").
export const DEFAULT_FLAVORS = [
  { flavorid: "1", name: "m1.tiny", memoryMb: 512, vcpus: 1, rootGb: 1 },
  { flavorid: "2", name: "m1.small", memoryMb: 2048, vcpus: 1, rootGb: 20 },
  { flavorid: "3", name: "m1.medium", memoryMb: 4096, vcpus: 2, rootGb: 40 },
  { flavorid: "4", name: "m1.large", memoryMb: 8192, vcpus: 4, rootGb: 80 },
  { flavorid: "5", name: "m1.xlarge", memoryMb: 16384, vcpus: 8, rootGb: 160 },
] as const;

// Nova's defaults as the quota class "default" reports them at microversion 2.1 (2.50 adds the
// server group limits and hides the network ones; 2.57 hides injected files). The network quotas
// are -1 since nova-network is gone.
export const DEFAULT_QUOTAS: Record<string, number> = {
  instances: 10,
  cores: 20,
  ram: 51200,
  key_pairs: 100,
  metadata_items: 128,
  server_groups: 10,
  server_group_members: 10,
  injected_files: 5,
  injected_file_content_bytes: 10240,
  injected_file_path_bytes: 255,
  fixed_ips: -1,
  floating_ips: -1,
  security_groups: -1,
  security_group_rules: -1,
};

/** Keystone ids: 32 lowercase hex characters. */
const keystoneId = () => randomBytes(16).toString("hex");

export async function seed(db: Db, options: SeedOptions): Promise<SeedResult> {
  const log = options.logger ?? pino({ level: "silent" });
  const changes: string[] = [];
  const changed = (what: string) => {
    changes.push(what);
    log.info({ seeded: what }, `seeded ${what}`);
  };

  const roles = new Map<string, string>();
  for (const name of ROLES) {
    let role = await db.role.findUnique({ where: { name } });
    if (!role) {
      role = await db.role.create({ data: { id: keystoneId(), name } });
      changed(`role ${name}`);
    }
    roles.set(name, role.id);
  }

  const projects = new Map<string, string>();
  for (const [name, description] of [
    ["admin", "Bootstrap project for initializing the cloud."],
    ["service", "Project for the cloud's own service users."],
  ] as const) {
    let project = await db.project.findUnique({
      where: { domainId_name: { domainId: "default", name } },
    });
    if (!project) {
      project = await db.project.create({ data: { id: keystoneId(), name, description } });
      changed(`project ${name}`);
    }
    projects.set(name, project.id);
  }
  const adminProjectId = projects.get("admin")!;

  // Keystone's bootstrap grants admin; admin implies member and reader there, which we store as
  // explicit assignments because there are no implied roles here.
  const ensureUser = async (name: string, password: string, project: string) => {
    const projectId = projects.get(project)!;
    const user = await db.user.findUnique({
      where: { domainId_name: { domainId: "default", name } },
    });
    let userId: string;
    if (!user) {
      const created = await db.user.create({
        data: {
          id: keystoneId(),
          name,
          passwordHash: await hash(password),
          defaultProjectId: projectId,
        },
      });
      userId = created.id;
      changed(`user ${name}`);
    } else {
      userId = user.id;
      // As keystone-manage bootstrap does, a different password given later replaces the old one.
      if (!user.passwordHash || !(await verify(user.passwordHash, password))) {
        await db.user.update({
          where: { id: user.id },
          data: { passwordHash: await hash(password) },
        });
        changed(`password of user ${name}`);
      }
    }
    for (const role of ROLES) {
      const key = { userId, projectId, roleId: roles.get(role)! };
      if (!(await db.roleAssignment.findUnique({ where: { userId_projectId_roleId: key } }))) {
        await db.roleAssignment.create({ data: key });
        changed(`role ${role} for ${name} on project ${project}`);
      }
    }
  };
  await ensureUser("admin", options.adminPassword, "admin");
  // The compute hosts log in as this user to download images (any project's).
  if (options.servicePassword) {
    await ensureUser(SERVICE_USER, options.servicePassword, "service");
  } else {
    log.warn(`no service password given: user ${SERVICE_USER} is not created`);
  }

  for (const flavor of DEFAULT_FLAVORS) {
    if (!(await db.flavor.findUnique({ where: { flavorid: flavor.flavorid } }))) {
      await db.flavor.create({ data: flavor });
      changed(`flavor ${flavor.name}`);
    }
  }

  for (const [resource, hardLimit] of Object.entries(DEFAULT_QUOTAS)) {
    const key = { className: "default", resource };
    if (!(await db.quotaClass.findUnique({ where: { className_resource: key } }))) {
      await db.quotaClass.create({ data: { ...key, hardLimit } });
      changed(`default quota ${resource}`);
    }
  }

  await seedImage(db, { ...options, ownerProjectId: adminProjectId }, changed, log);
  return { changes };
}

async function seedImage(
  db: Db,
  options: SeedOptions & { ownerProjectId: string },
  changed: (what: string) => void,
  log: Logger,
) {
  const name = options.imageName ?? "tiny-linux";
  const existing = await db.image.findFirst({
    where: { name, visibility: "public", deletedAt: null },
  });
  if (existing) {
    if (existing.location && !(await exists(existing.location))) {
      log.warn(
        { image: existing.id, location: existing.location },
        "the seeded image's file is missing",
      );
    }
    return;
  }

  const virtualSize = await qcow2VirtualSize(options.imagePath);
  const id = randomUUID();
  const imagesDir = resolve(options.imagesDir);
  await mkdir(imagesDir, { recursive: true });
  const location = join(imagesDir, id);
  const partial = `${location}.partial`;

  // One pass over the data: copy it and compute Glance's checksums on the way.
  const md5 = createHash("md5");
  const sha512 = createHash("sha512");
  let size = 0;
  const digest = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      md5.update(chunk);
      sha512.update(chunk);
      size += chunk.length;
      done(null, chunk);
    },
  });
  try {
    await pipeline(
      createReadStream(options.imagePath),
      digest,
      createWriteStream(partial, { flags: "wx" }),
    );
    await rename(partial, location);
    await db.image.create({
      data: {
        id,
        name,
        status: "active",
        visibility: "public",
        owner: options.ownerProjectId,
        diskFormat: "qcow2",
        containerFormat: "bare",
        size: BigInt(size),
        virtualSize,
        checksum: md5.digest("hex"),
        osHashAlgo: "sha512",
        osHashValue: sha512.digest("hex"),
        location,
        properties: { architecture: "x86_64", hypervisor_type: "qemu" },
        tags: [],
      },
    });
  } catch (err) {
    await rm(partial, { force: true });
    await rm(location, { force: true });
    throw err;
  }
  changed(`image ${name} (${id})`);
}

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

/** The disk size a qcow2 file declares (its header: magic "QFI\xfb", then the size at byte 24). */
export async function qcow2VirtualSize(path: string): Promise<bigint> {
  const file = await open(path, "r").catch((err: NodeJS.ErrnoException) => {
    throw new Error(`cannot open the seed image ${path}: ${err.code ?? err.message}`);
  });
  try {
    const header = Buffer.alloc(32);
    const { bytesRead } = await file.read(header, 0, 32, 0);
    if (bytesRead < 32 || header.readUInt32BE(0) !== 0x514649fb) {
      throw new Error(`${path} is not a qcow2 image`);
    }
    return header.readBigUInt64BE(24);
  } finally {
    await file.close();
  }
}

async function main() {
  const config = loadSeedConfig();
  const logger = pino({ level: config.NIMBUS_LOG_LEVEL });
  const { values } = parseArgs({
    options: {
      "admin-password": { type: "string" },
      "service-password": { type: "string" },
      image: { type: "string" },
      "images-dir": { type: "string" },
      "image-name": { type: "string" },
    },
  });
  const password = adminPasswordSchema.safeParse(
    values["admin-password"] ?? config.NIMBUS_ADMIN_PASSWORD,
  );
  if (!password.success) {
    logger.error("set NIMBUS_ADMIN_PASSWORD or pass --admin-password (at least 8 characters)");
    process.exitCode = 1;
    return;
  }
  const servicePassword = values["service-password"] ?? config.NIMBUS_SERVICE_PASSWORD;
  if (servicePassword !== undefined && !adminPasswordSchema.safeParse(servicePassword).success) {
    logger.error("the service password needs at least 8 characters");
    process.exitCode = 1;
    return;
  }
  const db = createDb(config.NIMBUS_DATABASE_URL, { connectionLimit: 1 });
  try {
    const { changes } = await seed(db, {
      adminPassword: password.data,
      servicePassword,
      imagePath: values.image ?? config.NIMBUS_SEED_IMAGE,
      imagesDir: values["images-dir"] ?? config.NIMBUS_IMAGES_DIR,
      imageName: values["image-name"],
      logger,
    });
    logger.info({ changes: changes.length }, changes.length ? "seed done" : "seed: nothing to do");
  } catch (err) {
    logger.error({ err }, "seed failed");
    process.exitCode = 1;
  } finally {
    await db.$disconnect();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
