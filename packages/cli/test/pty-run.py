"""Runs a command on a new pseudo-terminal, as a person's shell would.

What this process reads on stdin is typed into the terminal (so \\x03 is Ctrl-C and \\x04 at the
start of a line is Ctrl-D, by the terminal's own line discipline); what the terminal shows goes
to stdout. The command leads a session and process group of its own: its pid is the first line
on stderr ("pid N"), for the test to end the group. Exits with the command's exit code.
"""

import fcntl
import os
import pty
import select
import struct
import sys
import termios

pid, terminal = pty.fork()
if pid == 0:
    # 80x24, as a terminal window has: a size of 0 would be no terminal for width-aware output.
    fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    os.execvp(sys.argv[1], sys.argv[1:])

sys.stderr.write(f"pid {pid}\n")
sys.stderr.flush()
typing = True
while True:
    ready, _, _ = select.select([terminal] + ([0] if typing else []), [], [])
    if 0 in ready:
        typed = os.read(0, 1024)
        if typed:
            os.write(terminal, typed)
        else:
            typing = False
    if terminal in ready:
        try:
            shown = os.read(terminal, 4096)
        except OSError:  # EIO: every process of the terminal has closed it
            break
        if not shown:
            break
        os.write(1, shown)

_, status = os.waitpid(pid, 0)
code = os.waitstatus_to_exitcode(status)
sys.exit(128 - code if code < 0 else code)
