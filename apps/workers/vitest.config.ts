import { vitestProjects } from "../../vitest.shared.ts";

export default vitestProjects();
