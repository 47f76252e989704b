"""The checks of one test: an "ok   WHAT" or "FAIL WHAT" line each, their tally; and the scan
for key material in the files a lab left behind."""
import os


class Checks:
    """check = Checks(); check(cond, "what") prints ok/FAIL and returns cond;
    check.summary() prints "N passed, M failed" and returns the exit status (0 or 1)."""

    def __init__(self):
        self.count = 0
        self.failures = []

    def __call__(self, cond, what):
        self.count += 1
        print(("ok   " if cond else "FAIL ") + what, flush=True)
        if not cond:
            self.failures.append(what)
        return cond

    def summary(self):
        print("%d passed, %d failed" % (self.count - len(self.failures), len(self.failures)))
        return 1 if self.failures else 0


def files_holding(root, needles):
    """The regular files under root (links and fifos are never opened) whose bytes contain
    one of needles (bytes)."""
    found = []
    for d, _, files in os.walk(root):
        for f in files:
            path = os.path.join(d, f)
            if not os.path.isfile(path) or os.path.islink(path):
                continue
            try:
                with open(path, "rb") as fh:
                    data = fh.read()
            except OSError:
                continue
            if any(n in data for n in needles):
                found.append(path)
    return found
