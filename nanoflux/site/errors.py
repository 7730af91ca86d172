"""The one error the reading site raises: it cannot be built from what is there."""
from __future__ import annotations

from nanoflux.validate import InputError


class SiteError(InputError):
    """The site cannot be built from what is there (no notebooks, lost outputs, missing figures, a
    folder it may not write to); the message says what to do."""
