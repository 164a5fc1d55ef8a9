import { vitestProjects } from "../../vitest.shared";

export default vitestProjects();
