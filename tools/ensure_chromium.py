"""Make sure Debian's Chromium is there for the browser journeys.

Installs the ``chromium`` package when it is missing and we are root; otherwise says how,
and the browser tests skip themselves with that message.
"""

import os
import shutil
import subprocess
import sys


def main() -> int:
    if shutil.which("chromium"):
        return 0
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        print("Chromium is missing: install Debian's 'chromium' package to run browser tests.")
        return 0
    print("Installing Debian's chromium for the browser tests…")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=False, env=env)
    result = subprocess.run(
        ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "chromium"], env=env
    )
    return 0 if result.returncode == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
