// Remote consoles: a token for a server's VNC display. The conductor says where the display is
// (refusing a server without one, as Nova does), consoleauth issues the token. REST builds Nova's
// URL around it; the dashboard asks for a fresh one before the old one expires.
import { authorizeConsole, consoleConnectInfo, type ConsoleTokenFields } from "@nimbus/rpc";
import { authorizeOn, busContext, projectScope, type ServiceContext } from "./context";
import { lookup, serverNotFound } from "./servers";

export interface ConsoleTicket {
  /** the secret that opens the console; put it in the URL, never in a log */
  token: string;
  expiresAt: string;
  instanceUuid: string;
}

export async function createConsole(
  ctx: ServiceContext,
  uuid: string,
  consoleType: ConsoleTokenFields["consoleType"],
): Promise<ConsoleTicket> {
  if (uuid.length > 255) throw serverNotFound(uuid);
  await authorizeOn(ctx, "servers:remote_consoles", () => lookup(ctx, uuid));
  const display = await ctx.bus.call(
    consoleConnectInfo,
    { uuid, projectId: projectScope(ctx) },
    { ctx: busContext(ctx) },
  );
  const { token, expiresAt } = await ctx.bus.call(
    authorizeConsole,
    { consoleType, ...display },
    { ctx: busContext(ctx) },
  );
  ctx.log.info({ uuid, consoleType, expiresAt }, "console token issued");
  return { token, expiresAt, instanceUuid: display.instanceUuid };
}
