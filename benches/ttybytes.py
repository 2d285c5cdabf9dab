#!/usr/bin/env python3
# A copy of the project's shared tool (tools/ttybytes.py), kept here so that
# `cargo bench --bench port` runs from a plain clone.
"""Run a program in a pseudo-terminal, drive it, and count the bytes it writes.

A terminal dashboard used over SSH should send almost nothing while nothing changes and
only a little when something does. This tool measures that, and lets a test drive the
program the way a person at a terminal would.

    ttybytes.py [--cols 120] [--rows 40] [--raw FILE] [--screen FILE] [--timeout S]
                STEP... -- PROGRAM [ARG...]

Each STEP runs in order; the bytes the program writes during each step are counted:
    wait:S          read output for S seconds (e.g. wait:5)
    until:TEXT:S    read until TEXT appears in the output (or S seconds pass)
    keys:TEXT       type TEXT (escapes: \\n \\r \\t \\e, and \\xHH)
    sh:COMMAND      run a shell command (e.g. change the database), output read meanwhile
    signal:NAME     send a signal to the program (HUP, TERM, INT, WINCH ...)
    resize:CxR      change the terminal size and send SIGWINCH
    hangup          close the terminal, as a dropped SSH session does
    exit:S          wait up to S seconds for the program to exit
    cpu             note the CPU seconds the program (all its threads) has used so far

It prints one JSON object: per step its bytes and seconds, the time to the first
output byte, whether and how the program exited, and its CPU seconds. --raw keeps every
byte written; --screen writes the final screen as plain text (needs pyte, optional).
"""
import argparse
import json
import os
import pty
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import fcntl
import time


def set_size(fd, cols, rows):
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))


def cpu_seconds(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


def unescape(text):
    text = re.sub(r"\\x([0-9a-fA-F]{2})", lambda m: chr(int(m.group(1), 16)), text)
    return (text.replace("\\n", "\n").replace("\\r", "\r").replace("\\t", "\t")
            .replace("\\e", "\x1b"))


class Session:
    def __init__(self, argv, cols, rows):
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.environ.setdefault("TERM", "xterm-256color")
            try:
                os.execvp(argv[0], argv)
            except OSError as err:
                sys.stderr.write(f"cannot run {argv[0]}: {err}\n")
                os._exit(127)
        set_size(self.fd, cols, rows)
        self.out = bytearray()
        self.started = time.monotonic()
        self.first_byte = None
        self.status = None
        self.closed = False

    def pump(self, seconds, until=None):
        """Read output for up to `seconds`; stop early once `until` appears."""
        end = time.monotonic() + seconds
        start_len = len(self.out)
        while True:
            left = end - time.monotonic()
            if left <= 0 or self.closed:
                break
            if until is not None and until in self.out[start_len:]:
                return True
            ready, _, _ = select.select([self.fd], [], [], min(left, 0.05))
            if ready:
                try:
                    chunk = os.read(self.fd, 65536)
                except OSError:
                    chunk = b""
                if not chunk:
                    self.closed = True
                    break
                if self.first_byte is None:
                    self.first_byte = time.monotonic() - self.started
                self.out += chunk
            self.reap()
        return until is not None and until in self.out[start_len:]

    def reap(self):
        if self.status is None:
            pid, status, usage = os.wait4(self.pid, os.WNOHANG)
            if pid:
                self.status = status
                self.cpu_seconds = usage.ru_utime + usage.ru_stime

    def describe_exit(self):
        if self.status is None:
            return None
        if os.WIFEXITED(self.status):
            return {"code": os.WEXITSTATUS(self.status)}
        return {"signal": os.WTERMSIG(self.status)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cols", type=int, default=120)
    parser.add_argument("--rows", type=int, default=40)
    parser.add_argument("--raw")
    parser.add_argument("--screen")
    parser.add_argument("--timeout", type=float, default=120)
    parser.add_argument("rest", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    if "--" not in args.rest:
        parser.error("give the steps, then -- and the program")
    cut = args.rest.index("--")
    steps, argv = args.rest[:cut], args.rest[cut + 1:]
    if not argv:
        parser.error("no program after --")

    s = Session(argv, args.cols, args.rows)
    report = {"steps": []}
    deadline = time.monotonic() + args.timeout
    for step in steps:
        kind, _, arg = step.partition(":")
        before, t0 = len(s.out), time.monotonic()
        entry = {"step": step}
        if time.monotonic() > deadline:
            entry["skipped"] = "timeout"
        elif kind == "wait":
            s.pump(float(arg))
        elif kind == "until":
            text, _, secs = arg.rpartition(":")
            entry["found"] = s.pump(float(secs), until=unescape(text).encode())
        elif kind == "keys":
            os.write(s.fd, unescape(arg).encode())
            s.pump(0.05)
        elif kind == "sh":
            proc = subprocess.Popen(arg, shell=True, stdout=sys.stderr)
            while proc.poll() is None:
                s.pump(0.05)
            entry["rc"] = proc.returncode
        elif kind == "signal":
            try:
                os.kill(s.pid, getattr(signal, "SIG" + arg.upper()))
            except ProcessLookupError:
                entry["error"] = "no such process"
            s.pump(0.05)
        elif kind == "resize":
            cols, rows = (int(x) for x in arg.lower().split("x"))
            set_size(s.fd, cols, rows)
            try:
                os.kill(s.pid, signal.SIGWINCH)
            except ProcessLookupError:
                entry["error"] = "no such process"
            s.pump(0.05)
        elif kind == "cpu":
            entry["cpu_seconds"] = cpu_seconds(s.pid)
        elif kind == "hangup":
            os.close(s.fd)
            s.closed = True
        elif kind == "exit":
            end = time.monotonic() + float(arg)
            while s.status is None and time.monotonic() < end:
                if not s.closed:
                    s.pump(0.05)
                else:
                    time.sleep(0.02)
                s.reap()
        else:
            parser.error(f"unknown step {step!r}")
        entry["bytes"] = len(s.out) - before
        entry["seconds"] = round(time.monotonic() - t0, 3)
        report["steps"].append(entry)

    grace = time.monotonic() + 0.2  # a program that just exited may not be reaped yet
    while s.status is None and time.monotonic() < grace:
        time.sleep(0.01)
        s.reap()
    report["exit"] = s.describe_exit()
    if s.status is None:
        report["cpu_seconds"] = cpu_seconds(s.pid)
        os.kill(s.pid, signal.SIGKILL)
        os.waitpid(s.pid, 0)
        report["killed"] = True
    else:
        report["cpu_seconds"] = round(s.cpu_seconds, 3)
    report["first_byte_s"] = None if s.first_byte is None else round(s.first_byte, 3)
    report["total_bytes"] = len(s.out)
    if args.raw:
        with open(args.raw, "wb") as f:
            f.write(s.out)
    if args.screen:
        try:
            import pyte
            screen = pyte.Screen(args.cols, args.rows)
            stream = pyte.ByteStream(screen)
            stream.feed(bytes(s.out))
            with open(args.screen, "w") as f:
                f.write("\n".join(line.rstrip() for line in screen.display) + "\n")
        except ImportError:
            report["screen"] = "pyte not installed (pip install pyte)"
    print(json.dumps(report))


if __name__ == "__main__":
    main()
