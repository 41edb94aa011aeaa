"""The voice of a film: sound decoded and measured, the speech engine, the lecturer's recordings.

The production line (:mod:`bpviz.production.voice`) chooses a voice for a render and lays each
chapter's track; nothing here renders.
"""
