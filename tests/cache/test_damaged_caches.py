"""Damaged caches are found, reported in one line and made again, never delivered (issue 17, groups 4, 5).

One chapter (the tiny ``and`` preset's ``loss`` at low quality) is rendered once for the session
into a private render cache (``and_loss_render``); each damage is made on a copy of that entry.
Only the cut movie is rendered again end to end; the other damages are checked where the cache
decides.
"""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from click.testing import CliRunner
from manim import MathTex, tempconfig
from manim.mobject.svg import svg_mobject

from bpviz.cache import paths
from bpviz.cache.entries import MANIFEST, entry_problem
from bpviz.cache.typeset import sound, typeset_dirs
from bpviz.cli import main
from bpviz.production import jobs
from bpviz.renderer.manim_patches import ManimPatches
from scenes.loading import load_story

RENDER = ("render", "and", "--scene", "loss", "--quality", "low")


def bpviz(*args: str):
    return CliRunner().invoke(main, list(args))


@pytest.fixture(scope="module")
def entry(and_loss_render):
    """The render-cache entry of ``and``'s ``loss`` chapter (``tests/conftest.py``)."""
    folder, _ = and_loss_render
    (made,) = [p for p in folder.iterdir() if not p.name.startswith(".") and p.is_dir()]
    return made


@pytest.fixture(scope="module")
def spec():
    return jobs.JobSpec.of(load_story("and"), "loss", quality="low", aspect="16:9", fmt="mp4",
                           transparent=False, sections=False)


def cut(path):
    path.write_bytes(path.read_bytes()[:len(path.read_bytes()) // 2])


DAMAGES = {
    "cut movie": (lambda e: cut(e / "movie.mp4"), "movie.mp4 has"),
    "missing movie": (lambda e: (e / "movie.mp4").unlink(), "movie.mp4 is missing"),
    "broken beats": (lambda e: (e / "beats.json").write_text("[{"), "beats.json has"),
    "changed beats": (lambda e: (e / "beats.json").write_text("[]" + " " * (
        (e / "beats.json").stat().st_size - 2)), "beats.json is not the file written"),
    "broken manifest": (lambda e: (e / MANIFEST).write_text("{"), "manifest.json cannot be read"),
    "no manifest": (lambda e: (e / MANIFEST).unlink(), "manifest.json is missing"),
}


def test_a_whole_entry_is_reused(entry, spec, capsys):
    assert jobs._usable(entry, spec)
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("damage", DAMAGES)
def test_a_damaged_entry_is_reported_and_not_reused(entry, spec, damage, tmp_path, capsys):
    copy = tmp_path / entry.name
    shutil.copytree(entry, copy)
    make, said = DAMAGES[damage]
    make(copy)
    assert not jobs._usable(copy, spec)
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("warning: the render cache entry of loss")
    assert said in err and "rendering it again" in err


def test_a_cut_cached_movie_is_rendered_again_and_the_output_plays(entry, tmp_path, monkeypatch):
    cache = tmp_path / "renders"
    shutil.copytree(entry, cache / entry.name)
    subprocess.run(["truncate", "-s", "50000", str(cache / entry.name / "movie.mp4")], check=True)
    monkeypatch.setattr(jobs, "renders_dir", lambda: cache)
    result = bpviz(*RENDER, "-o", str(tmp_path / "out"))
    assert result.exit_code == 0, result.stderr
    assert "is damaged: movie.mp4 has 50000 bytes" in result.stderr
    probe = subprocess.run(["ffprobe", "-v", "error", "-count_frames", "-show_entries",
                            "stream=nb_read_frames", "-of", "csv=p=0", str(tmp_path / "out" / "loss.mp4")],
                           capture_output=True, text=True)
    assert probe.returncode == 0 and probe.stderr == "" and int(probe.stdout) > 10
    assert entry_problem(cache / entry.name) is None  # the entry is whole again


def test_a_cache_folder_that_is_a_file_is_one_warning(tmp_path, monkeypatch, capsys):
    (tmp_path / "file").write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "file"))
    root = paths.cache_dir()
    assert root.is_dir() and not str(root).startswith(str(tmp_path / "file"))
    assert paths.cache_dir() == root  # once per process
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "cannot be used (Not a directory)" in err


def test_an_unwritable_cache_folder_is_one_warning(tmp_path, monkeypatch, capsys):
    small = tmp_path / "small"
    small.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4k", "tmpfs", str(small)], check=True)
    try:
        (small / "bpviz").mkdir()
        (small / "fill").write_bytes(b"\0" * 4096)
        monkeypatch.setenv("XDG_CACHE_HOME", str(small))
        root = paths.cache_dir()
        assert not str(root).startswith(str(small))
        assert "No space left on device" in capsys.readouterr().err
    finally:
        subprocess.run(["umount", str(small)], check=True)


def _shape_files(root):
    return sorted((root / "svg").glob("*.npz"))


@pytest.mark.parametrize("damage", ["cut", "empty"])
def test_a_damaged_shape_file_is_parsed_again(tmp_path, damage, capsys):
    with ManimPatches(tmp_path), typeset_dirs(tmp_path) as dirs, tempconfig({**dirs, "verbosity": "ERROR"}):
        svg_mobject.SVG_HASH_TO_MOB_MAP.clear()
        first = MathTex(r"w^{2}_{11} = 0.4")
        (npz,) = _shape_files(tmp_path)
        npz.write_bytes(npz.read_bytes()[:300] if damage == "cut" else b"")
        svg_mobject.SVG_HASH_TO_MOB_MAP.clear()
        again = MathTex(r"w^{2}_{11} = 0.4")
    svg_mobject.SVG_HASH_TO_MOB_MAP.clear()
    assert len(again.family_members_with_points()) == len(first.family_members_with_points()) > 0
    assert "the shape cache file" in capsys.readouterr().err
    (npz,) = _shape_files(tmp_path)
    assert npz.stat().st_size > 300  # stored again, whole


def test_a_garbled_typeset_svg_is_typeset_again(tmp_path, capsys):
    with ManimPatches(tmp_path), typeset_dirs(tmp_path) as dirs, tempconfig({**dirs, "verbosity": "ERROR"}):
        svg_mobject.SVG_HASH_TO_MOB_MAP.clear()
        first = MathTex(r"b^{2}_{1} = 0.6")
    (svg,) = (tmp_path / "tex").glob("*.svg")
    good = svg.read_bytes()
    svg.write_bytes(b"<svg><path d='M 0 0' <<garbled>> </svg>")
    for npz in _shape_files(tmp_path):
        npz.unlink()
    with ManimPatches(tmp_path), typeset_dirs(tmp_path) as dirs, tempconfig({**dirs, "verbosity": "ERROR"}):
        svg_mobject.SVG_HASH_TO_MOB_MAP.clear()
        again = MathTex(r"b^{2}_{1} = 0.6")
    svg_mobject.SVG_HASH_TO_MOB_MAP.clear()
    assert len(again.family_members_with_points()) == len(first.family_members_with_points())
    assert "the typeset cache file" in capsys.readouterr().err
    assert sound(svg) and good


def test_the_manifest_lists_every_file_of_an_entry(entry):
    listed = json.loads((entry / MANIFEST).read_text())["files"]
    assert sorted(listed) == sorted(str(p.relative_to(entry)) for p in entry.rglob("*")
                                    if p.is_file() and p.name != MANIFEST)
