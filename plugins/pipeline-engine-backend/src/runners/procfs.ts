import { readdirSync, readFileSync } from 'node:fs';

/** The fields of `/proc/<pid>/stat` that identify a process over time. */
export interface ProcessStat {
  pid: number;
  /** State letter: R, S, D, Z (zombie), X (dead)... */
  state: string;
  pgid: number;
  /** Start time in clock ticks since boot: with the pid, unique within one boot. */
  startTime: string;
}

/** Reads `/proc/<pid>/stat`; undefined when the process is gone or /proc is missing (not Linux). */
export function readProcessStat(pid: number): ProcessStat | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // `pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt
  // cmajflt utime stime cutime cstime priority nice threads itrealvalue
  // starttime ...`; comm may contain spaces and parentheses.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return {
    pid,
    state: fields[0],
    pgid: Number(fields[2]),
    startTime: fields[19],
  };
}

/** Every live (not zombie) process, from /proc; empty where there is no /proc. */
export function liveProcesses(): ProcessStat[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const processes: ProcessStat[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readProcessStat(Number(entry));
    if (stat && stat.state !== 'Z' && stat.state !== 'X') processes.push(stat);
  }
  return processes;
}

/** Every live (not zombie) process in group `pgid`, from /proc. */
export function processGroupMembers(pgid: number): ProcessStat[] {
  return liveProcesses().filter(stat => stat.pgid === pgid);
}

/** This boot of the host (Linux); start times are only comparable within one. */
export function readBootId(): string | undefined {
  try {
    return (
      readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() ||
      undefined
    );
  } catch {
    return undefined;
  }
}
