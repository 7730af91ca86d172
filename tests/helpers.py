"""Small helpers shared by the tests."""
import hashlib


def tree_digest(path):
    """Every file's name and bytes under ``path`` (another run's staging area, removed when that run
    ends, is not content)."""
    h = hashlib.sha256()
    for item in sorted(p for p in path.rglob("*") if p.is_file() and ".nanoflux-publish-" not in str(p)):
        h.update(item.relative_to(path).as_posix().encode())
        h.update(item.read_bytes())
    return h.hexdigest()
