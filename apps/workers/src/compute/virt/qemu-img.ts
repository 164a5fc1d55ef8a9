// The few qemu-img commands the driver needs, with failures turned into VirtErrors.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { z } from "zod";
import { VirtError } from "./driver";

const run = promisify(execFile);

async function qemuImg(args: string[]): Promise<string> {
  try {
    const { stdout } = await run("qemu-img", args, { maxBuffer: 16 * 1024 * 1024 });
    return stdout;
  } catch (err) {
    const detail = (err as { stderr?: string }).stderr?.trim() || (err as Error).message;
    throw new VirtError("FAILED", `qemu-img ${args[0]} failed: ${detail}`, { cause: err });
  }
}

const infoSchema = z.object({
  format: z.string(),
  "virtual-size": z.number(),
  "backing-filename": z.string().optional(),
});

export interface ImageInfo {
  format: string;
  virtualSize: number;
  backingFile?: string;
}

/**
 * What qemu-img finds in a file. Without `format` it probes, which is what an image check needs;
 * `shared` reads an image a running QEMU holds locked.
 */
export async function imageInfo(
  path: string,
  opts: { format?: string; shared?: boolean } = {},
): Promise<ImageInfo> {
  const args = ["info", "--output=json"];
  if (opts.format) args.push("-f", opts.format);
  if (opts.shared) args.push("-U");
  const parsed = infoSchema.parse(JSON.parse(await qemuImg([...args, path])));
  return {
    format: parsed.format,
    virtualSize: parsed["virtual-size"],
    backingFile: parsed["backing-filename"],
  };
}

/** A qcow2 overlay on a qcow2 base; without a size it is as large as the base. */
export async function createOverlay(base: string, path: string, sizeBytes?: number): Promise<void> {
  const args = ["create", "-q", "-f", "qcow2", "-F", "qcow2", "-b", base, path];
  if (sizeBytes !== undefined) args.push(String(sizeBytes));
  await qemuImg(args);
}

export async function convertToQcow2(src: string, srcFormat: string, dest: string): Promise<void> {
  await qemuImg(["convert", "-q", "-f", srcFormat, "-O", "qcow2", src, dest]);
}

export async function growQcow2(path: string, sizeBytes: number): Promise<void> {
  await qemuImg(["resize", "-q", "-f", "qcow2", path, String(sizeBytes)]);
}
