"""The films, numbered in story order; :func:`chapter_scene` maps a ``[video] scenes`` name to its Scene.

Chapters are imported on demand, so that a command that renders one chapter does not build the
others.
"""

from __future__ import annotations

from importlib import import_module

from scenes.video_config import SCENES

_WHERE = {
    "neuron": "c1_neuron:Neuron",
    "forward": "c2_forward:Forward",
    "loss": "c3_loss:Loss",
    "backward": "c4_backward:Backward",
    "update": "c5_update:Update",
    "chain_rule": "c6_chain_rule:ChainRule",
    "training": "training:Training",
    "full": "c8_full:Full",
}
assert tuple(_WHERE) == SCENES


def chapter_scene(name: str):
    """The Scene class of chapter ``name``."""
    module, cls = _WHERE[name].split(":")
    return getattr(import_module(f"{__name__}.{module}"), cls)
