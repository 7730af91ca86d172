"""``python -m nanoflux.site.readme [--check] [README]`` (``make readme``): rewrite the README's verdict block
from the results files, or with ``--check`` say whether it is current (exit status 1 when stale). The
verdict itself is :mod:`nanoflux.site.verdict`."""
import sys

from nanoflux.site.verdict import main

if __name__ == "__main__":
    sys.exit(main())
