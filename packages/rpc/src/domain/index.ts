// Pure domain code shared by the API, the workers and the dashboard. No Node-only imports here:
// the browser bundle imports this module.
export * from "./console";
export * from "./policy";
export * from "./server-actions";
export * from "./states";
