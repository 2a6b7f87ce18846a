#!/usr/bin/env python3
"""libc_signals_ignored.py CMD...: runs CMD with signals 32 and 33 ignored.

glibc keeps these two for itself and its sigaction() refuses them, yet a
container runtime or CI harness may start a container with them ignored, and
an ignored disposition survives execve: the application must inherit it
through the sensor too. Python's signal module refuses them as well, so the
raw rt_sigaction system call is made through ctypes."""

import ctypes
import os
import platform
import sys

SYS_RT_SIGACTION = {"x86_64": 13, "aarch64": 134}[platform.machine()]
SIG_IGN = 1


class KernelSigaction(ctypes.Structure):
    _fields_ = [("handler", ctypes.c_void_p), ("flags", ctypes.c_ulong),
                ("restorer", ctypes.c_void_p), ("mask", ctypes.c_uint64)]


libc = ctypes.CDLL(None, use_errno=True)
ign = KernelSigaction(SIG_IGN, 0, None, 0)
for sig in (32, 33):
    if libc.syscall(SYS_RT_SIGACTION, sig, ctypes.byref(ign), None, 8) != 0:
        sys.exit("libc_signals_ignored.py: rt_sigaction(%d): %s"
                 % (sig, os.strerror(ctypes.get_errno())))
os.execvp(sys.argv[1], sys.argv[1:])
