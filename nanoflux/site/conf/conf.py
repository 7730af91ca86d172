"""Sphinx configuration of the reading site: ``nanoflux site`` runs Sphinx with this folder as its confdir.

The source folder is a temporary one that :func:`nanoflux.site.build.build_site` fills (the stored notebooks,
prepared and tagged, the two figures and a generated ``index.md``); what is specific to one build
reaches Sphinx through that folder, never through this file. The notebooks are shown as stored:
MyST-NB does not execute them.
"""
from nanoflux import __version__
from nanoflux.running.stored import WIDGET_MIME
from nanoflux.site.index import setup_sphinx

project = "nanoflux"
author = ""
copyright = ""  # noqa: A001 - Sphinx's name; no year, so rebuilds do not depend on the date
version = release = __version__
language = "en"

extensions = ["myst_nb", "sphinx.ext.mathjax"]
root_doc = "index"
exclude_patterns = ["**.ipynb_checkpoints"]
suppress_warnings = ["mystnb.unknown_mime_type"]

# -- MyST: the notebooks' prose is Markdown with $...$ and $$...$$ (with \tag{n}) ---------------------
myst_enable_extensions = ["dollarmath", "amsmath"]
myst_dmath_double_inline = True  # "$$...$$" inside a paragraph, as Jupyter shows it
myst_heading_anchors = 3

# -- MyST-NB: outputs as stored, inputs collapsed (tags applied by nanoflux.site on a copy) -------------
nb_execution_mode = "off"
nb_execution_excludepatterns = ["*"]  # and should a mode be forced, no notebook may run (nanoflux.site.pages drops
                                     # the notebooks' own MyST-NB settings before Sphinx reads them)
nb_render_markdown_format = "myst"  # notebook.say(...) writes Markdown with $...$: typeset it too
nb_merge_streams = True
nb_ipywidgets_js = {}  # a static page has no kernel for widgets; and no CDN scripts
nb_mime_priority_overrides = [
    ("html", "application/javascript", None),
    *(("html", mime, None) for mime in WIDGET_MIME),
    ("html", "image/png", 35),  # a PNG before an SVG rendering of the same figure
]
nb_code_prompt_show = "Show code"
nb_code_prompt_hide = "Hide code"

# -- MathJax 3, served by the site itself (copied into _static/mathjax by nanoflux.site) ---------------
mathjax_path = "mathjax/tex-chtml-full.js"
myst_update_mathjax = False  # the classes below are ours
mathjax3_config = {
    "loader": {"load": ["ui/safe"]},  # filters what TeX from a notebook may put on the page
    "tex": {"tags": "none"},  # equations carry the paper's own numbers, \tag{n}
    "options": {
        # as myst-parser would set them, plus rich HTML outputs (an exercise's verdict carries \(...\))
        "ignoreHtmlClass": "tex2jax_ignore|mathjax_ignore|document",
        "processHtmlClass": "tex2jax_process|mathjax_process|math|output_area|text_html",
        "safeOptions": {"safeProtocols": {"http": False, "https": False, "file": False, "javascript": False,
                                          "data": False}},
    },
}

# -- HTML: sphinx-book-theme, nothing from the network, nothing that changes between builds -----------
html_theme = "sphinx_book_theme"
html_title = "nanoflux"
html_static_path = ["_static"]
html_css_files = ["nanoflux-colours.css", "nanoflux.css"]  # the first written by each build (nanoflux.site.index)
html_js_files = ["nanoflux.js"]
html_favicon = "favicon.svg"  # Figure 1 (b): a particle at the critical size, one flux line
html_last_updated_fmt = None
html_show_sphinx = False
html_show_copyright = False
html_show_sourcelink = False
html_copy_source = False
html_domain_indices = False
html_use_index = False
html_theme_options = {
    "home_page_in_toc": True,
    "show_navbar_depth": 1,
    "show_toc_level": 2,
    "use_download_button": False,
    "use_fullscreen_button": False,
    "use_repository_button": False,
    "use_source_button": False,
    "use_issues_button": False,
    "search_bar_text": "Search the notebooks...",
    "footer_content_items": ["extra-footer.html"],
    "extra_footer": f"Built by nanoflux {__version__} from the stored notebooks, as last run by "
                    "<code>nanoflux reproduce</code>. Text and figures: CC BY 4.0; code: MIT.",
    "navigation_with_keys": False,
    "navbar_persistent": [],  # one search field, in the sidebar
}
html_context = {"default_mode": "light"}

# -- LaTeX: the supplementary PDF (make pdf, nanoflux.site.pdf) -----------------------------------------
# One A4 document, typeset by LuaLaTeX with the DejaVu fonts (Debian's fonts-dejavu), which hold every
# character the notebooks print (Greek, arrows, superscripts); mathematics in Latin Modern. No date, no ID,
# no producer string in the PDF: rebuilding gives the same bytes.
_DEJAVU = "Path=/usr/share/fonts/truetype/dejavu/, Extension=.ttf"
latex_engine = "lualatex"
today = f"Supplementary information · nanoflux {__version__}"  # under the PDF's title, where a date would be
latex_documents = [("index", "nanoflux.tex", "The critical size of a magnetic nanoparticle, recomputed",
                    "The nanoflux developers", "manual")]
latex_show_urls = "no"
latex_show_pagerefs = False
latex_domain_indices = False
latex_elements = {
    "papersize": "a4paper",
    "pointsize": "10pt",
    "fontpkg": (  # the few signs DejaVu Serif lacks (the exercises' ✗) come from DejaVu Sans
        "\\directlua{luaotfload.add_fallback('nanoflux',"
        " {'[/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf]:mode=harf;'})}\n"
        f"\\setmainfont{{DejaVuSerif}}[{_DEJAVU}, BoldFont=*-Bold, ItalicFont=*-Italic, BoldItalicFont=*-BoldItalic,"
        " Scale=0.9, RawFeature={fallback=nanoflux}]\n"
        f"\\setsansfont{{DejaVuSans}}[{_DEJAVU}, BoldFont=*-Bold, ItalicFont=*-Oblique, BoldItalicFont=*-BoldOblique,"
        " Scale=0.9]\n"
        f"\\setmonofont{{DejaVuSansMono}}[{_DEJAVU}, BoldFont=*-Bold, ItalicFont=*-Oblique,"
        " BoldItalicFont=*-BoldOblique, Scale=0.8]\n"),
    "extraclassoptions": "openany,oneside",  # no blank pages before chapters
    # the notebooks number themselves ("01 · ..."): no chapter or section numbers on top of theirs
    "preamble": "\\pdfvariable suppressoptionalinfo 1023\n\\pdfvariable trailerid {}\n"
                "\\setcounter{secnumdepth}{-1}\n",
    "sphinxsetup": "verbatimwrapslines=true, verbatimforcewraps=true",
    "figure_align": "H",
    "printindex": "",
}


def setup(app):
    setup_sphinx(app)
