"""Publishing all or nothing (nanoflux.publish): a failed rename puts back what moved, an abort leaves
no trace, and the leftovers of a killed run are finished or removed by the next one."""
import json
import os

import pytest

from nanoflux.running import publish


def _files(folder):
    return {p.name: p.read_text() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.fixture
def two_folders(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    (a / "x.txt").write_text("old x")
    (tmp_path / "new-x").write_text("new x")
    (tmp_path / "new-y").write_text("new y")
    return a, b, tmp_path


def test_commit_publishes_every_file_and_leaves_no_area(two_folders):
    # witness: the files' contents read back from both folders, and no publishing area left
    a, b, src = two_folders
    pub = publish.Publication()
    pub.prepare(a)
    pub.prepare(b / "deep")
    pub.add(src / "new-x", a, "x.txt")
    pub.add(src / "new-y", b / "deep", "y.txt")
    pub.commit()
    pub.abort()  # after a commit, only removes what is left (nothing)
    assert _files(a) == {"x.txt": "new x"} and _files(b / "deep") == {"y.txt": "new y"}
    assert not list(a.glob(publish.AREA_PREFIX + "*")) and not list((b / "deep").glob(publish.AREA_PREFIX + "*"))


def test_abort_removes_areas_and_the_folders_it_created(two_folders):
    # witness: the old file's content and the folder listing read back; the folder it made is gone
    a, b, src = two_folders
    pub = publish.Publication()
    pub.prepare(a)
    pub.prepare(b / "deep")
    pub.add(src / "new-x", a, "x.txt")
    pub.abort()
    assert _files(a) == {"x.txt": "old x"} and list(a.iterdir()) == [a / "x.txt"]
    assert not b.exists()


def test_a_rename_that_fails_puts_back_what_moved(two_folders):
    a, b, src = two_folders
    pub = publish.Publication()
    pub.prepare(a)
    pub.prepare(b)
    pub.add(src / "new-x", a, "x.txt")
    pub.add(src / "new-y", b, "y.txt")
    (b / "y.txt").mkdir()  # witness: a folder where the file must go makes that rename fail
    (b / "y.txt" / "occupied").write_text("")
    with pytest.raises(publish.PublishError, match="cannot publish"):
        pub.commit()
    pub.abort()
    assert _files(a) == {"x.txt": "old x"}


def test_an_unwritable_place_is_refused_by_prepare(tmp_path):
    # witness: a file standing where a folder is needed, made here
    (tmp_path / "file").write_text("")
    with pytest.raises(publish.PublishError, match="a file stands where a folder is needed"):
        publish.Publication().prepare(tmp_path / "file" / "sub")


def _killed_during_commit(a, b, src, journals, moved):
    """The state a run leaves when killed after writing ``journals`` journals and ``moved`` renames."""
    pub = publish.Publication()
    pub.prepare(a)
    pub.prepare(b)
    pub.add(src / "new-x", a, "x.txt")
    pub.add(src / "new-y", b, "y.txt")
    everyone = sorted(str(x) for x in pub.areas.values())
    for folder in list(pub.areas)[:journals]:
        area = pub.areas[folder]
        names = [t.name for s, t in pub.moves if s.parent == area]
        (area / publish.JOURNAL).write_text(json.dumps({"areas": everyone, "names": names}))
    for staged, target in pub.moves[:moved]:
        os.replace(staged, target)
    for handle in pub._locks:  # the process is gone: its locks with it
        handle.close()


def test_recover_finishes_a_commit_whose_journals_were_all_written(two_folders):
    a, b, src = two_folders
    b.mkdir()
    _killed_during_commit(a, b, src, journals=2, moved=1)
    assert _files(b) == {}  # witness: half published
    publish.recover([a, b])
    assert _files(a) == {"x.txt": "new x"} and _files(b) == {"y.txt": "new y"}
    assert not list(a.glob(publish.AREA_PREFIX + "*")) and not list(b.glob(publish.AREA_PREFIX + "*"))


def test_recover_discards_a_commit_that_never_began_renaming(two_folders):
    # witness: a run killed here before its first rename (journal written, nothing moved): the old files read back
    a, b, src = two_folders
    b.mkdir()
    _killed_during_commit(a, b, src, journals=1, moved=0)
    publish.recover([a, b])
    assert _files(a) == {"x.txt": "old x"} and _files(b) == {}
    assert not list(a.glob(publish.AREA_PREFIX + "*")) and not list(b.glob(publish.AREA_PREFIX + "*"))


def test_recover_leaves_a_living_run_alone(two_folders):
    # witness: a publication still open in this process: its area stays
    a, b, src = two_folders
    pub = publish.Publication()
    pub.prepare(a)
    assert publish.recover([a]) == []
    assert list(a.glob(publish.AREA_PREFIX + "*"))
    pub.abort()
