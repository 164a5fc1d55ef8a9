export * from "./action.js";
export * from "./common.js";
export * from "./flavor.js";
export * from "./host.js";
export * from "./identity.js";
export * from "./image.js";
export * from "./instance.js";
export * from "./scheduling.js";
