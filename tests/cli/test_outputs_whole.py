"""Outputs land whole or not at all, and ``-o`` writes where ``cp`` would (issue 17, groups 1, 2, 5).

A full disk is a small tmpfs mounted here (the suite runs as root; nothing is skipped), an
immutable file is ``chattr +i`` on it. The render is the tiny ``and`` preset's ``loss`` chapter
at low quality, rendered once for the session into a private render cache (``and_loss_render``);
every later render of it is a cache hit, so what is tested is the delivery, where the faults were.
"""

from __future__ import annotations

import os
import subprocess
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from bpviz.cli import main
from bpviz.production import jobs

from .test_errors import assert_one_line_error


def bpviz(*args: str):
    return CliRunner().invoke(main, list(args))


RENDER = ("render", "and", "--scene", "loss", "--quality", "low")


@pytest.fixture
def cached(and_loss_render, monkeypatch):
    """The rendered video; renders in the test take it from the session's render cache."""
    folder, movie = and_loss_render
    monkeypatch.setattr(jobs, "renders_dir", lambda: folder)
    return movie


@pytest.fixture
def small_disk(tmp_path):
    """A 400 KiB tmpfs: room for less than the new video beside an old one."""
    where = tmp_path / "full"
    where.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=400k", "tmpfs", str(where)], check=True)
    try:
        yield where
    finally:
        subprocess.run(["chattr", "-R", "-i", str(where)], capture_output=True)
        subprocess.run(["umount", str(where)], check=True)


def fill(folder: Path, leave: int) -> None:
    """Fill the file system of ``folder`` until about ``leave`` bytes are free."""
    free = os.statvfs(folder).f_bavail * os.statvfs(folder).f_frsize
    (folder / "pad").write_bytes(b"\0" * max(0, free - leave))


def litter(folder: Path) -> list[str]:
    """Temporary files left beside the outputs (every name but the user's and the padding)."""
    return [p.name for p in folder.iterdir() if p.name.startswith(".")]


def test_a_full_disk_keeps_the_old_video_and_subtitles(cached, small_disk):
    old_video, old_srt = b"an old video that plays" * 1000, b"1\nold subtitles\n"
    (small_disk / "loss.mp4").write_bytes(old_video)
    (small_disk / "loss.srt").write_bytes(old_srt)
    assert cached.stat().st_size > 20_000  # the new video does not fit in what is left
    fill(small_disk, 16_384)
    result = bpviz(*RENDER, "-o", str(small_disk))
    assert_one_line_error(result, f"{small_disk}/loss.mp4", "No space left on device")
    assert (small_disk / "loss.mp4").read_bytes() == old_video
    assert (small_disk / "loss.srt").read_bytes() == old_srt
    assert litter(small_disk) == []


def test_an_immutable_srt_leaves_the_video_unreplaced_too(cached, small_disk):
    (small_disk / "loss.mp4").write_bytes(b"old video")
    (small_disk / "loss.srt").write_bytes(b"old subtitles")
    subprocess.run(["chattr", "+i", str(small_disk / "loss.srt")], check=True)
    result = bpviz(*RENDER, "-o", str(small_disk))
    assert_one_line_error(result, "loss.srt", "may not be replaced")
    assert (small_disk / "loss.mp4").read_bytes() == b"old video"
    assert (small_disk / "loss.srt").read_bytes() == b"old subtitles"
    subprocess.run(["chattr", "-i", str(small_disk / "loss.srt")], check=True)
    assert litter(small_disk) == []


def test_an_immutable_video_is_one_line(cached, small_disk):
    (small_disk / "loss.mp4").write_bytes(b"old video")
    subprocess.run(["chattr", "+i", str(small_disk / "loss.mp4")], check=True)
    result = bpviz(*RENDER, "-o", str(small_disk))
    assert_one_line_error(result, "loss.mp4", "may not be replaced")
    assert not (small_disk / "loss.srt").exists()


def test_a_linked_video_replaces_the_links_target_and_keeps_the_link(cached, tmp_path):
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    out.mkdir()
    elsewhere.mkdir()
    (elsewhere / "film.mp4").write_bytes(b"old")
    (out / "loss.mp4").symlink_to(elsewhere / "film.mp4")
    result = bpviz(*RENDER, "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert (out / "loss.mp4").is_symlink()
    assert (elsewhere / "film.mp4").read_bytes() == cached.read_bytes()
    assert litter(out) == [] and litter(elsewhere) == []


def test_a_trace_to_dev_null_leaves_it_a_device(tmp_path):
    null = tmp_path / "null"
    os.mknod(null, 0o666 | 0o020000, os.makedev(1, 3))  # a character device like /dev/null
    result = bpviz("trace", "mazur", "-o", str(null))
    assert result.exit_code == 0, result.stderr
    assert null.is_char_device()
    assert litter(tmp_path) == []


def test_a_trace_into_a_link_writes_its_target(tmp_path):
    (tmp_path / "target.json").write_text("old")
    (tmp_path / "link.json").symlink_to("target.json")
    assert bpviz("trace", "mazur", "-o", str(tmp_path / "link.json")).exit_code == 0
    assert (tmp_path / "link.json").is_symlink()
    assert (tmp_path / "target.json").read_text().startswith('{"format"')


def test_a_trace_into_a_fifo_reaches_its_reader(tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    got = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    result = bpviz("trace", "mazur", "-o", str(fifo))
    reader.join(timeout=30)
    assert result.exit_code == 0, result.stderr
    assert fifo.is_fifo() and got and got[0].startswith(b'{"format"')


def test_a_255_byte_name_is_written_and_a_longer_one_refused(tmp_path):
    name = "t" * 250 + ".json"
    assert bpviz("trace", "mazur", "-o", str(tmp_path / name)).exit_code == 0
    assert (tmp_path / name).is_file()
    result = bpviz("trace", "mazur", "-o", str(tmp_path / ("t" * 251 + ".json")))
    assert_one_line_error(result, "256 bytes long", "255")


def test_a_trace_on_a_full_disk_keeps_the_old_trace(small_disk):
    (small_disk / "m.json").write_text("old trace")
    fill(small_disk, 0)
    result = bpviz("trace", "mazur", "-o", str(small_disk / "m.json"))
    assert_one_line_error(result, "m.json", "No space left on device", stdout_empty=False)
    assert (small_disk / "m.json").read_text() == "old trace"
    assert litter(small_disk) == []
