// @nimbus/rpc — the typed message bus every process shares. Node only: the browser imports
// @nimbus/rpc/domain, never this entry.
export { connectBus, type AmqpBusOptions } from "./transport/amqp.js";
export { exchanges, queueNames } from "./transport/topology.js";
export type {
  Bus,
  CallHandlerFn,
  CallOptions,
  CastHandlerFn,
  CastOptions,
  EventHandler,
  EventMeta,
  Handler,
  HandlerMeta,
  SendOptions,
  Server,
  ServeTarget,
  Subscription,
} from "./bus.js";
export { handler } from "./bus.js";
export {
  accepts,
  contractKey,
  defineCall,
  defineCast,
  defineNotification,
  type CallContract,
  type CastContract,
  type Contract,
  type NotificationContract,
  type Version,
} from "./contract.js";
export * from "./contracts.js";
export {
  newRequestId,
  requestContextSchema,
  systemContext,
  type RequestContext,
} from "./context.js";
export { createMemoryDedupe, dedupe, type DedupeStore } from "./dedupe.js";
export {
  errorCodes,
  isRpcError,
  RpcError,
  toWireError,
  type ErrorCode,
  type JsonValue,
  type WireError,
} from "./errors.js";
export { createLogger, type Logger, type LogLevel } from "./log.js";
export * from "./config.js";
export * from "./models/index.js";
export { SERVER_SORT_KEYS } from "./conductor/list-servers.js";
export { serviceRef } from "./conductor/update-service.js";
export { imageRefSchema } from "./compute/build-and-run-instance.js";
