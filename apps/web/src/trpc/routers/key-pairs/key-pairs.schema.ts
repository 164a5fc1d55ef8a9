// What a key pair's name may be, shared by the router and the form (which says it before sending).
import { z } from "zod";

// Nova's rule from 2.92 (letters, digits, spaces, '.', '_', '-', '@').
export const keyPairNameSchema = z
  .string()
  .trim()
  .min(1, "Give the key pair a name.")
  .max(255, "Use at most 255 characters.")
  .regex(/^[\w .@-]+$/, "Use only letters, digits, spaces and . _ - @ in the name.");
