import type { NextConfig } from "next";

const config: NextConfig = {
  // Workspace packages are consumed as TypeScript source.
  transpilePackages: ["@nimbus/rpc"],
  poweredByHeader: false,
  reactStrictMode: true,
};

export default config;
