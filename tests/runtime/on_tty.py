#!/usr/bin/env python3
"""on_tty.py: runs the probe on a pseudo-terminal that is its controlling
terminal (as `docker run -t` gives a container), directly or through the
launcher, types ^C once the probe is ready and ^D after it reacted, and
prints one line: "foreground=1 got INT count INT=1 exit 0" when the probe
owned the terminal's foreground, saw SIGINT once, and exited 0.

usage: on_tty.py direct|patched LAUNCHER PROBE CID"""
import json
import os
import re
import pty
import select
import sys


def main():
    mode, launcher, probe, cid = sys.argv[1:5]
    env = {"PATH": "/usr/bin:/bin"}
    if mode == "patched":
        env["FALCON_APP_ENTRYPOINT"] = json.dumps([probe, "tty"])
        env["FALCONCTL_OPTS"] = "--cid=" + cid
        argv = [launcher]
    else:
        argv = [probe, "tty"]
    pid, fd = pty.fork()
    if pid == 0:
        os.execve(argv[0], argv, env)
    buf = b""
    said = []

    def wait_for(token):
        nonlocal buf
        # 30 s bounds a hang; it is not a timing threshold.
        while token not in buf:
            r, _, _ = select.select([fd], [], [], 30)
            if not r:
                return False
            try:
                chunk = os.read(fd, 1024)
            except OSError:
                return False
            if not chunk:
                return False
            buf += chunk
        return True

    if wait_for(b"ready"):
        os.write(fd, b"\x03")
        if wait_for(b"got INT"):
            os.write(fd, b"\x04")
            wait_for(b"count INT=")
    # Drain whatever is left until the child closes the terminal.
    while True:
        try:
            r, _, _ = select.select([fd], [], [], 30)
            if not r:
                break
            chunk = os.read(fd, 1024)
            if not chunk:
                break
            buf += chunk
        except OSError:
            break
    _, status = os.waitpid(pid, 0)
    text = buf.decode(errors="replace").replace("\r", "")
    # The terminal echoes ^C and ^D in front of what the probe prints.
    said += re.findall(r"foreground=\d|got [A-Z]+|count [A-Z]+=\d+", text)
    if os.WIFEXITED(status):
        said.append("exit %d" % os.WEXITSTATUS(status))
    else:
        said.append("signal %d" % os.WTERMSIG(status))
    print(" ".join(said))


main()
