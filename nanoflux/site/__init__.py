"""The reading site: the stored notebooks, the figures and the claims as static HTML (``nanoflux site``).

``build`` runs Sphinx with MyST-NB on a prepared copy (``pages``), sanitizes everything a notebook carries
(``sanitize``), serves MathJax itself (``mathjax``) and writes the index (``index``); the Sphinx
configuration is the folder ``conf/``.
"""
from nanoflux.site.build import CONF_DIR, MARKER, SITE_DIR, build_site
from nanoflux.site.errors import SiteError
from nanoflux.site.index import setup_sphinx

__all__ = ["CONF_DIR", "MARKER", "SITE_DIR", "SiteError", "build_site", "setup_sphinx"]
