"""The README a reader meets first: short, for its three audiences, with its picture; the rest in CONTRIBUTING."""
import re

from nanoflux.running.outputs import ROOT


def test_readme_is_short_and_speaks_to_its_readers():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(text.encode("utf-8")) < 10_240  # witness: the file's own size in bytes
    headings = re.findall(r"(?m)^## (.+)$", text)
    for heading in ("What this companion finds", "Two commands", "I want to read", "I want to rerun with my own values",
                    "I teach", "How to cite", "Licence"):
        assert heading in headings, heading
    assert "make reproduce" in text and "make test" in text and "make pdf" in text
    # every local file the README links or shows exists
    for target in re.findall(r"\]\(([^)#:]+)\)", text):
        assert (ROOT / target).exists(), target
    assert "docs/screenshot.png" in text and "CONTRIBUTING.md" in text


def test_the_developer_material_lives_in_contributing():
    # witness: the headings of CONTRIBUTING.md and the README's text
    contributing = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    for heading in ("What the tests cover", "Layout", "Benchmarks", "Command line", "Finding a formula"):
        assert re.search(rf"(?m)^#+ {heading}$", contributing), heading
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "What the tests cover" not in readme and "requirements/test.lock" not in readme
