"""How to cite nanoflux, read from ``CITATION.cff`` (the one home of the citation; ``cffconvert --validate``
accepts it, a test checks): the text the site's index and the PDF show."""
from __future__ import annotations

from pathlib import Path

from nanoflux import __version__
from nanoflux.running.outputs import ROOT

CITATION = ROOT / "CITATION.cff"


def citation(path: Path = CITATION) -> dict:
    """CITATION.cff as a dict; ValueError when it is missing or its version is not nanoflux's."""
    import yaml

    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ValueError(f"cannot read {path}: {exc}") from None
    if str(data.get("version")) != __version__:
        raise ValueError(f"{Path(path).name} says version {data.get('version')}; nanoflux is {__version__}: "
                         "update its version")
    return data


def how_to_cite_markdown(path: Path = CITATION) -> str:
    """The citation as Markdown: the software (authors, title, version, licences), then the paper it
    accompanies as far as its text identifies it."""
    data = citation(path)
    authors = ", ".join(a.get("name") or f"{a.get('given-names', '')} {a.get('family-names', '')}".strip()
                        for a in data["authors"])
    licences = " and ".join(data["license"]) if isinstance(data["license"], list) else data["license"]
    paper = data["references"][0]
    message = " ".join(data["message"].split()).replace(" (under references; cite it by", " (cite it by")
    return (f"{message}\n\n"
            f"> {authors}. *{' '.join(data['title'].split())}.* Software, version {data['version']} "
            f"({licences}).\n\n"
            f"The paper: a letter in *{paper['journal']}*, {paper['status'].replace('-', ' ')}. "
            f"{' '.join(paper['notes'].split())}\n\n"
            "The same, as machine-readable metadata: `CITATION.cff` in the repository (Citation File Format "
            "1.2.0).")
