"""A whole course: a course file expanded into chapter jobs, run locally or on Dask, written as a tree.

``bpviz course course.toml -o DIR`` reads the course file (:mod:`bpviz.course.course_file`),
expands its entries into outputs and chapter jobs (:mod:`bpviz.course.plan`), runs the jobs the
render cache does not hold yet on local processes or on a Dask distributed cluster
(:mod:`bpviz.course.executors`, with a progress display from :mod:`bpviz.course.progress`), then
writes ``DIR/<entry>/<lang>-<aspect>/...``, ``DIR/course.json`` and ``DIR/index.html``
(:mod:`bpviz.course.site`). :func:`bpviz.course.build.make_course` is the whole run.
"""
