import type { Metadata } from "next";
import { StandaloneConsole } from "../../src/components/console/StandaloneConsole";

export const metadata: Metadata = { title: "Console" };

// The page a console URL opens (see docs/console.md); the console itself runs in the browser.
export default function ConsolePage() {
  return <StandaloneConsole />;
}
