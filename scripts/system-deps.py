"""Check, and where possible install, what mentorkit needs from outside Python.

WeasyPrint needs Pango (text layout) and, to make PDFs quickly, HarfBuzz's subsetting
library, and fonts for every script a roster can hold (Noto: Arabic, Hebrew, Indic,
Thai, Chinese, Japanese, Korean and more; without them names print as boxes); the tests
read PDFs back with poppler's pdftotext and pdftoppm, and check the site's accessibility
in Debian's Chromium (driven by Playwright, with axe-core from npm, so Node.js and npm
too). On Debian or Ubuntu, run as root, the missing packages are installed; elsewhere
this prints what to install and stops.
"""

from __future__ import annotations

import ctypes.util
import os
import shutil
import subprocess
import sys

NEEDS = [
    # (what, how to find it, Debian package, needed for)
    ("Pango", lambda: ctypes.util.find_library("pango-1.0"), "libpango-1.0-0", "PDFs"),
    ("Pango FT2", lambda: ctypes.util.find_library("pangoft2-1.0"), "libpangoft2-1.0-0", "PDFs"),
    (
        "HarfBuzz subset",
        lambda: ctypes.util.find_library("harfbuzz-subset"),
        "libharfbuzz-subset0",
        "fast PDFs",
    ),
    ("fonts", lambda: shutil.which("fc-list"), "fontconfig", "PDFs"),
    (
        "Noto fonts (Arabic, Hebrew, Indic, Thai and other scripts)",
        lambda: _font("Noto Sans Arabic") and _font("Noto Sans Devanagari"),
        "fonts-noto-core",
        "names in every script in PDFs",
    ),
    (
        "Noto CJK fonts (Chinese, Japanese, Korean)",
        lambda: _font("Noto Sans CJK SC"),
        "fonts-noto-cjk",
        "names in every script in PDFs",
    ),
    ("poppler", lambda: shutil.which("pdftotext"), "poppler-utils", "the tests"),
    ("Chromium", lambda: _chromium(), "chromium", "the browser test of the site"),
    ("Node.js", lambda: shutil.which("node"), "nodejs", "the browser test of the site"),
    ("npm", lambda: shutil.which("npm"), "npm", "installing axe-core for the browser test"),
]

CHROMIUM = "/usr/bin/chromium"  # where Debian's package puts it; the browser test uses it


def _chromium() -> str | None:
    return CHROMIUM if os.access(CHROMIUM, os.X_OK) else None


def _font(family: str) -> bool:
    """Whether fontconfig knows a font family (by its exact name)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return False
    found = subprocess.run([fc_list, "-q", f":family={family}"], capture_output=True, check=False)
    return found.returncode == 0


BROWSER_TEST = "the browser test of the site"


def main() -> int:
    missing = _missing()
    if not missing:
        return 0
    packages = [package for _, package, _ in missing]
    apt = shutil.which("apt-get")
    if apt and hasattr(os, "geteuid") and os.geteuid() == 0:
        print(f"Installing {', '.join(packages)} (needed for PDFs and tests)...", flush=True)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        done = subprocess.run([apt, "install", "-y", "-q", *packages], env=env, check=False)
        if done.returncode != 0:
            subprocess.run([apt, "update", "-q"], env=env, check=False)
            subprocess.run([apt, "install", "-y", "-q", *packages], env=env, check=False)
        missing = _missing()
        if not missing:
            return 0
        packages = [package for _, package, _ in missing]
    # Without Chromium or npm mentorkit still builds everything; only the browser test
    # cannot run, and it fails (never skips) saying so.
    required = [m for m in missing if m[2] != BROWSER_TEST and "axe-core" not in m[2]]
    if required:
        print("mentorkit needs some system packages that are not installed:", file=sys.stderr)
    else:
        print(
            "WARNING: the browser test (tests/test_browser.py, part of `make test`) will fail "
            "until these are installed:",
            file=sys.stderr,
        )
    for what, package, why in missing:
        print(f"  - {what} (for {why}): Debian/Ubuntu package {package}", file=sys.stderr)
    print(
        "Install them with your package manager, for example:\n"
        f"  sudo apt-get install {' '.join(packages)}\n"
        "  (macOS: brew install pango harfbuzz poppler node, and Chromium; for the fonts,\n"
        "  install the Noto Sans families from https://notofonts.github.io, including\n"
        "  Noto Sans CJK)",
        file=sys.stderr,
    )
    return 1 if required else 0


def _missing() -> list[tuple[str, str, str]]:
    return [(what, package, why) for what, found, package, why in NEEDS if not found()]


if __name__ == "__main__":
    sys.exit(main())
