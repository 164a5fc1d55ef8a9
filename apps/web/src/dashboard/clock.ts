"use client";
import { useEffect, useState } from "react";

/** The current time, re-read every `everyMs` (ages and durations on screen; no server calls). */
export function useNow(everyMs = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}
