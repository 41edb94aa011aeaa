"""``bpviz course``: course files, a real Dask cluster on 127.0.0.1, resumable runs.

One LocalCluster (two worker processes, one thread and one ``render`` resource each) serves the
module. The course is six chapter jobs of two tiny presets at low quality plus an entry whose
config is bad; it runs once as ``bpviz course --cluster ADDRESS --cache DIR`` while the test
kills the worker process that is rendering, and the assertions share that run. A second module
test kills a whole ``bpviz course --jobs 1`` client after its first job and runs it again.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import av
import numpy as np
import pytest
from click.testing import CliRunner

from backprop_core.errors import BpvizError
from bpviz.cli import main
from bpviz.course.executors import LOG, matching_workers, render_task, worker_versions
from bpviz.course.plan import clip_options
from bpviz.production.jobs import JobSpec, run_job
from scenes.loading import load_story

from .test_errors import assert_one_line_error

COURSE = """
[course]
title = "A tiny course"
qualities = ["low"]
scenes = ["loss"]

[[entry]]
source = "and"
languages = ["en", "es"]
aspects = ["16:9", "4:3"]

[[entry]]
name = "xor-net"
source = "xor"
aspects = ["16:9", "4:3"]

[[entry]]
name = "broken"
source = "broken.toml"
"""
SIZES = {"16x9": "854,480", "4x3": "640,480"}


def bpviz(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bpviz", *args], capture_output=True, text=True,
                          timeout=600, **kwargs)


def probe(path: Path) -> tuple[str, float]:
    """``codec,width,height`` and the duration of a video, by ffprobe."""
    out = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                          "stream=codec_name,width,height:format=duration", "-of", "csv=p=0", str(path)],
                         capture_output=True, text=True, check=True).stdout.split()
    return out[0], float(out[1])


def frames_of(path: Path) -> list[np.ndarray]:
    with av.open(str(path)) as container:
        return [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]


def renders(cache: Path) -> list[str]:
    """The fingerprints the render log of ``cache`` lists, one per job rendered there."""
    log = cache / LOG
    return [json.loads(line)["fingerprint"] for line in log.read_text().splitlines()] if log.exists() else []


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    """The render cache of the killed run (``--cache``), and the workers' own render cache."""
    return tmp_path_factory.mktemp("shared")


@pytest.fixture(scope="module")
def cluster(shared):
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None, resources={"render": 1}, silence_logs=logging.ERROR,
                      env={"BPVIZ_RENDER_CACHE": str(shared)}) as cl, Client(cl) as client:
        yield cl, client


def _transitions(dask_scheduler):
    return [(str(t[0]), t[1], t[2]) for t in dask_scheduler.transition_log]


def _busy(dask_worker):
    return os.getpid(), len(dask_worker.state.executing)


@pytest.fixture(scope="module")
def killed_run(cluster, shared, tmp_path_factory):
    """The course on the cluster, its rendering worker killed by SIGKILL in the middle of a job."""
    cl, client = cluster
    folder = tmp_path_factory.mktemp("course")
    (folder / "course.toml").write_text(COURSE)
    (folder / "broken.toml").write_text("[network]\nlayers = [2, 1]\nactivations = ['sigmoid']\n"
                                        "[training]\nepochs = 0\n")
    args = ("course", str(folder / "course.toml"), "-o", str(folder / "out"), "--cluster",
            cl.scheduler_address, "--cache", str(shared))
    proc = subprocess.Popen([sys.executable, "-m", "bpviz", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    killed, deadline = None, time.time() + 300
    while killed is None and proc.poll() is None and time.time() < deadline:
        busy = [pid for pid, executing in client.run(_busy).values() if executing]
        if busy and list(shared.glob(".*.*")):  # a render has started in its folder
            time.sleep(1.0)  # well inside the render: a job takes several seconds
            os.kill(busy[0], signal.SIGKILL)
            killed = busy[0]
        else:
            time.sleep(0.2)
    stdout, stderr = proc.communicate(timeout=600)
    return {"folder": folder, "cache": shared, "args": args, "code": proc.returncode, "stdout": stdout,
            "stderr": stderr, "killed": killed, "transitions": client.run_on_scheduler(_transitions)}


def test_a_killed_worker_and_the_course_still_completes(killed_run):
    folder = killed_run["folder"]
    listing = json.loads((folder / "out" / "course.json").read_text())
    assert killed_run["killed"] is not None
    assert killed_run["code"] == 1, killed_run["stderr"]  # the broken entry fails; the rest is made
    assert "course: 6 jobs, 0 from the render cache, 6 rendered, 0 failed; 6 outputs" in killed_run["stdout"]
    failed = [line for line in killed_run["stderr"].splitlines() if line.startswith("failed ")]
    assert len(failed) == 1 and "broken" in failed[0], killed_run["stderr"]
    assert "[data] inputs: missing" in failed[0]
    videos = [r for r in listing["outputs"] if r["kind"] == "video"]
    assert sorted(r["folder"] for r in videos) == ["and/en-16x9", "and/en-4x3", "and/es-16x9", "and/es-4x3",
                                                   "xor-net/en-16x9", "xor-net/en-4x3"]
    for record in videos:
        codec, duration = probe(folder / "out" / record["files"][0])
        assert codec == f"h264,{SIZES[record['folder'].split('-')[-1]]}" and duration > 5, record
        assert (folder / "out" / record["folder"] / "loss.poster.png").stat().st_size > 1000
    # the killed job ran again elsewhere: a task went to processing twice; each finished once
    render_keys = {key for key, _, _ in killed_run["transitions"] if key.startswith("render-")}
    started = {k: sum(1 for key, _, end in killed_run["transitions"] if key == k and end == "processing")
               for k in render_keys}
    finished = {k: sum(1 for key, _, end in killed_run["transitions"] if key == k and end == "memory")
                for k in render_keys}
    assert len(render_keys) == 6 and set(finished.values()) == {1}, finished
    assert max(started.values()) >= 2, started
    logged = renders(killed_run["cache"])
    assert sorted(logged) == sorted(r["fingerprint"] for r in videos)  # no job rendered twice
    assert "Traceback" not in killed_run["stderr"]
    progress = [line for line in killed_run["stderr"].splitlines() if line.startswith("[")]
    assert len(progress) == 6 and progress[-1].startswith("[6/6] rendered ")  # plain lines: no terminal
    assert all(" done, " in line and " elapsed" in line for line in progress)


def test_a_second_run_renders_nothing_and_rewrites_nothing(killed_run):
    folder = killed_run["folder"]
    videos = sorted((folder / "out").glob("*/*/loss.mp4"))
    stamps = [p.stat().st_mtime_ns for p in videos]
    again = bpviz(*killed_run["args"])
    assert "course: 6 jobs, 6 from the render cache, 0 rendered, 0 failed" in again.stdout, again.stderr
    assert [p.stat().st_mtime_ns for p in videos] == stamps
    assert len(renders(killed_run["cache"])) == 6


def test_the_course_outputs_equal_the_jobs_rendered_one_by_one(killed_run, tmp_path):
    listing = json.loads((killed_run["folder"] / "out" / "course.json").read_text())
    record = next(r for r in listing["outputs"] if r["folder"] == "xor-net/en-4x3")
    spec = JobSpec.of(load_story("xor"), "loss", **clip_options("low", "4:3", "mp4", False))
    assert spec.fingerprint() == record["fingerprint"]
    alone = run_job(spec, tmp_path / "alone", parallel=True)
    course_video = killed_run["folder"] / "out" / record["files"][0]
    a, b = frames_of(alone / "movie.mp4"), frames_of(course_video)
    assert len(a) == len(b) > 0 and all(np.array_equal(x, y) for x, y in zip(a, b))
    cached = killed_run["cache"] / record["fingerprint"] / "beats.json"
    assert json.loads(cached.read_text()) == json.loads((alone / "beats.json").read_text())


def test_without_shared_storage_the_workers_send_the_files_back(killed_run, tmp_path):
    """The client's render cache is empty; the workers find every job in theirs and send it back."""
    args = [*killed_run["args"][:2], "-o", str(tmp_path / "out"), *killed_run["args"][4:6]]
    result = bpviz(*args, env={**os.environ, "BPVIZ_RENDER_CACHE": str(tmp_path / "mine")})
    assert "course: 6 jobs, 6 from the render cache, 0 rendered, 0 failed; 6 outputs" in result.stdout, \
        result.stderr
    listing = json.loads((tmp_path / "out" / "course.json").read_text())
    for record in listing["outputs"]:
        theirs, mine = killed_run["cache"] / record["fingerprint"], tmp_path / "mine" / record["fingerprint"]
        assert (mine / "movie.mp4").read_bytes() == (theirs / "movie.mp4").read_bytes()
        assert (mine / "beats.json").read_bytes() == (theirs / "beats.json").read_bytes()
        assert (tmp_path / "out" / record["files"][0]).is_file()
    assert len(renders(killed_run["cache"])) == 6  # nothing rendered again


def test_a_job_failing_for_its_own_reason_runs_once(cluster):
    _, client = cluster
    good = JobSpec.of(load_story("and"), "loss", **clip_options("low", "16:9", "mp4", False))
    bad = replace(good, chapter="no_such_chapter")
    future = client.submit(render_task, bad, "f" * 64, None, worker_versions(), retries=2, pure=False,
                           resources={"render": 1}, key="render-own-failure")
    result = future.result(timeout=120)
    assert "no_such_chapter" in result["error"] and "\n" not in result["error"]
    log = client.run_on_scheduler(_transitions)
    assert sum(1 for key, _, end in log if key == "render-own-failure" and end == "processing") == 1


def test_a_worker_of_other_versions_is_refused(cluster, tmp_path, capsys):
    _, client = cluster
    other = {**worker_versions(), "manim": "0.19.0"}
    with pytest.raises(BpvizError, match="no worker of the cluster runs this client's .*manim 0.19.0"):
        matching_workers(client, other)
    assert capsys.readouterr().err.count("refused worker tcp://127.0.0.1:") == 2
    spec = JobSpec.of(load_story("and"), "loss", **clip_options("low", "16:9", "mp4", False))
    result = render_task(spec, spec.fingerprint(), str(tmp_path), other)
    assert "refused" in result["error"] and "manim 0.19.0" in result["error"]
    assert not list(tmp_path.iterdir())  # nothing rendered


def test_a_killed_client_then_the_rest_only(tmp_path):
    course = tmp_path / "course.toml"
    course.write_text('[[entry]]\nsource = "and"\nscenes = ["loss"]\nqualities = ["low"]\n'
                      'themes = ["light"]\naspects = ["16:9", "4:3"]\n')
    args = ["course", str(course), "-o", str(tmp_path / "out"), "--cache", str(tmp_path / "cache")]
    proc = subprocess.Popen([sys.executable, "-m", "bpviz", *args], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.time() + 300
    # the render log's line comes after the render's folder (beats.json): wait for the line itself
    while not renders(tmp_path / "cache") and time.time() < deadline:
        time.sleep(0.1)
    os.killpg(proc.pid, signal.SIGKILL)  # the client and anything it started
    proc.wait()
    assert len(renders(tmp_path / "cache")) == 1
    assert not (tmp_path / "out" / "course.json").exists()
    again = bpviz(*args)
    assert again.returncode == 0, again.stderr
    assert "course: 2 jobs, 1 from the render cache, 1 rendered, 0 failed; 2 outputs" in again.stdout
    assert len(set(renders(tmp_path / "cache"))) == 2
    for video in sorted((tmp_path / "out" / "and").glob("*/loss.mp4")):
        assert probe(video)[1] > 5


BAD_COURSES = [
    ('[[entry]]\nsource = "mazur"\nlanguage = ["en"]\n', "[[entry]] 1 (mazur): language: unknown key",
     "did you mean 'languages'"),
    ('[[entry]]\nsource = "mazur"\n[[entry]]\nname = "two"\nsource = "mazur"\naspects = ["16:10"]\n',
     ":6: [[entry]] 2 (two): aspects: unknown '16:10'", "16:9, 4:3"),
    ('[[entry]]\nsource = "mazurr"\n', ":2: [[entry]] 1 (mazurr): source: preset 'mazurr' does not exist",
     "did you mean 'mazur'"),
    ('[[entry]]\nsource = "nets/missing.toml"\n', "source: file 'nets/missing.toml' does not exist", ""),
    ('[course]\nqualities = "8k"\n[[entry]]\nsource = "xor"\n', ":2: [course]: qualities: unknown '8k'", ""),
    ('[[entry]]\nsource = "xor"\nmake = ["video", "gif"]\n', "make: unknown 'gif'", "slides"),
    ('[[entry]]\nsource = "xor"\n[[entry]]\nsource = "xor"\n', "[[entry]] 2 (xor): name: 'xor' is already",
     ""),
    ('[course]\ntitle = "no entries"\n', "at least one [[entry]]", ""),
    ('[[entry]\nsource = "xor"\n', "not valid TOML", ""),
]


@pytest.mark.parametrize("text, where, hint", BAD_COURSES)
def test_a_bad_course_file_is_one_line_before_anything_renders(tmp_path, text, where, hint):
    course = tmp_path / "course.toml"
    course.write_text(text)
    result = CliRunner().invoke(main, ["course", str(course), "-o", str(tmp_path / "out")])
    assert_one_line_error(result, str(course), where, hint)
    assert not (tmp_path / "out").exists()


def test_a_missing_course_file_and_a_cache_that_is_a_file(tmp_path):
    result = CliRunner().invoke(main, ["course", str(tmp_path / "none.toml")])
    assert_one_line_error(result, "none.toml does not exist")
    (tmp_path / "c.toml").write_text('[[entry]]\nsource = "xor"\n')
    (tmp_path / "file").write_text("")
    result = CliRunner().invoke(main, ["course", str(tmp_path / "c.toml"), "--cache", str(tmp_path / "file")])
    assert_one_line_error(result, "--cache", "is a file")


def test_the_progress_counts_and_estimates(capsys):
    from bpviz.course.progress import CourseProgress

    labels = {"a" * 64: "mazur loss en 16:9 low", "b" * 64: "xor loss en 4:3 low", "c" * 64: "and loss es"}
    for fancy in (False, True):
        with CourseProgress(labels, 2, fancy=fancy) as progress:
            for fingerprint in labels:
                progress.started(fingerprint)
            assert progress.running() == 2 and progress.estimate() is None
            progress({"fingerprint": "a" * 64, "rendered": True, "seconds": 10.0, "host": "h"})
            assert progress.estimate() == pytest.approx(10.0)  # 2 jobs of 10 s left on 2 workers
            progress({"fingerprint": "b" * 64, "rendered": False, "error": "scenes: loss: too big"})
            progress({"fingerprint": "c" * 64, "rendered": False, "seconds": 0.0, "host": "h"})
        assert progress.rendered == 1 and len(progress.failed) == 1 and progress.running() == 0
    err = capsys.readouterr().err
    assert "[1/3] rendered mazur loss en 16:9 low in 10.0 s on h; 1 done, 2 running, 0 failed" in err
    assert "[2/3] failed xor loss en 4:3 low: scenes: loss: too big" in err
    assert "[3/3] found and loss es in the render cache; 2 done, 0 running, 1 failed" in err
