"""`python -m validator` and the `validator` script: signals are handled before the heavy
imports, so that Ctrl-C during start-up ends as cleanly as during a check."""

from __future__ import annotations

import sys

from validator.signals import Interrupted, finish, install


def run() -> None:
    if sys.argv[1:] == ["--version"]:
        # Answered before the command line's imports (pandas, the checks): a second otherwise.
        from validator import __version__

        sys.stdout.write(f"validator, version {__version__}\n")
        finish(0)
        return
    install()
    try:
        from validator.cli import main

        code = main()
    except Interrupted as exc:  # during the imports above
        sys.stderr.write(exc.message + "\n")
        code = exc.exit_code
    finish(code)


if __name__ == "__main__":
    run()
