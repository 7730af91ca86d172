"""``python -m nanoflux``: the command line."""
import sys

from nanoflux.cli import main

sys.exit(main())
