// The CPU seconds every core of this machine has spent busy since boot
// (user, nice, system, irq and softirq in /proc/stat's first line), or null
// where there is no /proc/stat. The difference over a run counts every
// process: Chromium's browser, renderer and utility threads as well as the
// workers (and whatever else is running, so run on a quiet machine).
import { readFileSync } from 'node:fs';

export function machineCpu() {
  try {
    const [user, nice, system, , , irq, softirq] = readFileSync('/proc/stat', 'utf8')
      .split('\n')[0]
      .trim()
      .split(/\s+/)
      .slice(1)
      .map(Number);
    return (user + nice + system + irq + softirq) / 100;
  } catch {
    return null;
  }
}
