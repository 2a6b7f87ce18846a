#!/usr/bin/env python3
"""tty_jobs.py: an interactive shell's job control on a terminal, run
directly or under the sensor, for tests/suite-sensor.sh.

  tty_jobs.py [COMMAND PREFIX...]

Runs `bash --norc --noprofile -i` (after the prefix, e.g. the sensor and its
options and "--") on a new pseudo-terminal, starts `sleep 30`, stops it with
^Z (SIGTSTP from the terminal), resumes it in the background with `bg`,
kills it, and exits. Prints one summary line, which must be the same with
and without the sensor:
  stopped=1 jobs_stopped=1 bg=1 killed=143 exit=0
The 30 s waits bound a hang; they are not timing thresholds.
"""
import os
import pty
import re
import select
import sys
import time

PROMPT = b"PROMPT> "


def main(prefix):
    pid, fd = pty.fork()
    if pid == 0:
        env = {"PATH": "/usr/bin:/bin", "TERM": "dumb", "PS1": PROMPT.decode(),
               "HOME": "/"}
        shell = ["--norc", "--noprofile", "-i"]
        if prefix:
            os.execve(prefix[0], prefix + ["/bin/bash", "bash"] + shell, env)
        os.execve("/bin/bash", ["bash"] + shell, env)
    seen = b""

    def wait_for(pattern, limit=30.0):
        nonlocal seen
        end = time.monotonic() + limit
        while time.monotonic() < end:
            m = re.search(pattern, seen)
            if m:
                seen = seen[m.end():]
                return m
            r, _, _ = select.select([fd], [], [], 0.1)
            if r:
                try:
                    data = os.read(fd, 4096)
                except OSError:
                    return None
                if not data:
                    return None
                seen += data
        return None

    def send(text):
        os.write(fd, text)

    result = {}
    wait_for(re.escape(PROMPT))
    send(b"sleep 30\n")
    # Let the sleep start: its exec is in /proc once it runs.
    end = time.monotonic() + 30
    while time.monotonic() < end:
        if any(_is_sleep(p) for p in os.listdir("/proc") if p.isdigit()):
            break
        time.sleep(0.05)
    send(b"\x1a")
    result["stopped"] = int(wait_for(rb"Stopped") is not None)
    wait_for(re.escape(PROMPT))
    send(b"jobs\n")
    result["jobs_stopped"] = int(wait_for(rb"\[1\]\+\s+Stopped") is not None)
    wait_for(re.escape(PROMPT))
    send(b"bg\n")
    result["bg"] = int(wait_for(rb"sleep 30 &") is not None)
    wait_for(re.escape(PROMPT))
    send(b"kill %1; wait %1; echo KILLED-$?\n")
    m = wait_for(rb"KILLED-(\d+)")
    result["killed"] = int(m.group(1)) if m else -1
    wait_for(re.escape(PROMPT))
    send(b"exit 0\n")
    _, status = os.waitpid(pid, 0)
    result["exit"] = os.waitstatus_to_exitcode(status)
    print(" ".join(f"{k}={v}" for k, v in result.items()))


def _is_sleep(p):
    try:
        with open(f"/proc/{p}/cmdline", "rb") as f:
            return f.read() == b"sleep\x0030\x00"
    except OSError:
        return False


if __name__ == "__main__":
    main(sys.argv[1:])
