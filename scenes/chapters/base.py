"""What every chapter shares: beats (sections with a caption), the title band, the status line.

A chapter is made of :class:`Part` s: small classes whose ``run()`` reads as a table of contents
of beat methods. A Manim scene (:class:`ChapterScene`) plays one or more parts in order, so the
``full`` film is the same parts played back to back; which parts a scene plays is the chapter
registry's choice (:mod:`scenes.chapters.registry`).

Each beat is a ``next_section`` (so it renders alone, exports as a clip and becomes a slide) and
shows, at every moment, what happens (the caption), where (the highlight in the diagram), when
(the status line: epoch, step, sample) and how much (the equation panel).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from manim import UL, Scene, Text, VGroup, config

from .. import style
from ..animations.fade import Appear, Vanish
from ..layout import frame_layout
from ..story import Story
from ..text import DEFAULT_LANGUAGE, catalogue
from .moving import moving_leaves
from .pieces import swap


@dataclass(eq=False)
class Beat:
    """One beat: its chapter, key, the caption shown, what a narrator says and when it plays.

    ``say`` is the narration (catalogue ``say.<chapter>.<key>``, filled with the numbers the beat
    shows); ``equations`` are the :class:`~backprop_core.equations.context.Equation` objects it
    shows with numbers. ``start``, ``hold`` and ``end`` are seconds into the video: where its
    section starts, where its settled frame ends (after the hold) and where the next section
    starts (the same as ``hold``: what follows the hold opens the next section). They count the
    frames Manim writes, so they are the same with ``skip_animations``. ``voice`` is the length
    in seconds of what is heard over the beat from its start (0: silent); the beat then lasts at
    least that plus :data:`~scenes.style.VOICE_PAUSE`.
    """

    chapter: str
    key: str
    caption: str
    say: str = ""
    equations: tuple = ()
    start: float = 0.0
    hold: float | None = None
    end: float | None = None
    voice: float = 0.0


class ChapterScene(Scene):
    """A scene that plays ``parts`` (chapter classes) of one :class:`Story`.

    Parameters
    ----------
    story : Story
        The trace and the choices of ``[video]``.
    beat_end : callable, optional
        Called as ``beat_end(scene, beat)`` on the settled last frame of every beat (stills,
        layout checks).
    beat_voice : callable, optional
        Called as ``beat_voice(number, beat)`` when a beat opens (``number`` counts the scene's
        beats from 1); returns the seconds of voice heard over it from its start (0: silent).
        The beat's settled frame is then held until the voice and a pause are over: the film
        follows the voice, its animations are never sped up.
    glossed : iterable of str, optional
        The symbols glossed before this scene (a chapter of the full film rendered as a job of
        its own: :func:`~scenes.chapters.registry.glossed_before`); none: it glosses its own first
        uses. The full film played as one scene starts each chapter with the registry's set.
    **kwargs
        Manim's ``Scene`` options. The scene runs on Manim's own camera and writer; bpviz's
        production line hands it faster ones (``camera_class``, ``renderer``).
    """

    parts: tuple = ()
    chapter: str = ""
    """The registry's name of what this scene plays (a chapter, or ``full``)."""
    film_glosses = None
    """For the full film, ``film_glosses(chapter, story)``: the symbols glossed before each chapter
    (:func:`~scenes.chapters.registry.glossed_before`)."""

    def __init__(self, story: Story, beat_end=None, beat_voice=None, glossed=None, **kwargs):
        self.story = story
        self.glossed = set(glossed or ())
        self.beat_end = beat_end
        self.beat_voice = beat_voice
        self.beats: list[Beat] = []
        self.frames = 0
        self._tail: list[tuple[tuple, dict]] = []
        self.regions = frame_layout(config.frame_width, config.frame_height)  # taller at 4:3
        self._title = VGroup()
        super().__init__(**kwargs)

    @classmethod
    def chapter_parts(cls, story: Story) -> tuple:
        """The parts this scene plays for ``story``: ``parts`` (the registry's scenes choose theirs)."""
        return cls.parts

    def construct(self) -> None:
        """Play every part, then settle the last beat."""
        self.camera.background_color = self.story.theme.background
        self.status = self._status_line()
        self.add(self.status)
        for part in self.chapter_parts(self.story):
            self.end_beat()  # settle the previous part's last beat before the next part clears it
            self.begin_part(part)
            part(self).run()
        self.end_beat()
        self._play_tail()
        if self.beats:
            self.beats[-1].end = self.clock

    def begin_part(self, part) -> None:
        """Before each part plays (after the previous one settled): cut when a new chapter begins.

        Only the full film plays the parts of several chapters. Between two chapters it cuts: the
        settled last frame of one chapter is followed by the bare frame (status line only) where
        the next chapter's title appears, exactly as that chapter's own video starts. So the film
        is, frame for frame, the chapters' videos one after another, and ``bpviz render --jobs N``
        renders them in parallel and joins them without re-encoding.
        """
        if self.film_glosses is not None and part.name != getattr(self, "_playing", None):
            self._playing = part.name  # as its own job would: what the chapters before glossed
            self.glossed = set(self.film_glosses(part.name, self.story))
        if self.beats and part.name != self.beats[-1].chapter:
            self.remove(*(m for m in self.mobjects if m is not self.status))
            self._title = VGroup()

    # -- the clock -----------------------------------------------------------------------------
    def play(self, *args, **kwargs) -> None:
        """Manim's ``play``, counting the frames it writes (or would write, when skipping).

        What is played after a beat has settled (a highlight fading, the next part clearing the
        screen) is held back and played at the start of the next beat's section, so that every
        section, clip and slide ends on its beat's settled frame. The video is the same.
        """
        if self.beats and getattr(self, "_closed", None) is self.beats[-1]:
            self._tail.append((args, kwargs))
            return
        super().play(*args, **kwargs)
        self.frames += self._frames_of_last_play()

    def _play_tail(self) -> None:
        """Play what was held back since the last beat settled (see :meth:`play`)."""
        tail, self._tail = self._tail, []
        self._closed = None
        for args, kwargs in tail:
            self.play(*args, **kwargs)

    def _frames_of_last_play(self) -> int:
        """Frames of the last ``play``, as Manim's Cairo renderer writes them.

        A static wait is ``int(duration / dt)`` copies of one frame; anything else is one frame per
        step of ``np.arange(0, duration, 1 / frame_rate)`` (``Scene.get_time_progression``).
        """
        if self.is_current_animation_frozen_frame():
            return int(self.duration / (1 / self.camera.frame_rate))
        return len(np.arange(0, self.duration, 1 / config["frame_rate"]))

    @property
    def clock(self) -> float:
        """Seconds of video played so far."""
        return self.frames / self.camera.frame_rate

    def get_moving_mobjects(self, *animations):
        """Redraw per frame only what the animations reach (:func:`moving.moving_leaves`)."""
        leaves = moving_leaves(self, animations)
        return super().get_moving_mobjects(*animations) if leaves is None else leaves

    # -- beats ---------------------------------------------------------------------------------
    def time(self, seconds: float) -> float:
        """``seconds`` times the story's pacing factor."""
        return seconds * self.story.pacing

    def beat(self, chapter: str, key: str, say: dict | None = None, equations: tuple = (), **values) -> Beat:
        """Close the previous beat, open a section and show the caption of ``chapter.key``.

        ``values`` fill the caption and the narration ``say.<chapter>.<key>``; ``say`` adds the
        narration's own values (numbers formatted by ``story.fmt``); ``equations`` are the
        equations the beat shows, for the script and the presenter notes.
        """
        self.end_beat()
        caption = self.story.tr(f"{chapter}.{key}", **values)
        said = f"say.{chapter}.{key}"
        if said in catalogue(self.story.language) or self.story.language == DEFAULT_LANGUAGE:
            narration = self.story.tr(said, **values, **(say or {}))
        else:  # a translation without this narration yet: say its caption
            narration = caption
        if self.beats:
            self.beats[-1].end = self.clock
        beat = Beat(chapter, key, caption, narration, tuple(equations), start=self.clock)
        self.next_section(name=f"{len(self.beats) + 1:02d}_{chapter}_{key}")
        self.beats.append(beat)
        if self.beat_voice is not None:
            beat.voice = float(self.beat_voice(len(self.beats), beat))
        self._play_tail()
        title = self._title_band(chapter, caption)
        if self._title.submobjects:
            self.play(swap(self._title, title), run_time=self.time(0.5))
        else:
            self.play(Appear(title), run_time=self.time(0.4))
        self._title = title
        return beat

    def end_beat(self) -> None:
        """Hold the settled frame of the current beat and hand it to ``beat_end``."""
        if not self.beats or getattr(self, "_closed", None) is self.beats[-1]:
            return
        self.wait(self._hold_time(self.beats[-1]))
        self._closed = self.beats[-1]
        self._closed.hold = self.clock
        if self.beat_end is not None:
            # draw every mobject once on the bare background, as Manim does for its last frame:
            # over the static image of the last play, half-transparent ones would be drawn twice
            self.renderer.static_image = None
            self.renderer.update_frame(self)
            self.beat_end(self, self.beats[-1])

    def _hold_time(self, beat: Beat) -> float:
        """How long the settled frame of ``beat`` is held: the usual hold, or until its voice is over.

        A voiced beat lasts at least its voice plus :data:`~scenes.style.VOICE_PAUSE` from its
        start; the wait is then a whole number of frames that reaches that time (a frozen wait
        writes ``int(duration / dt)`` frames, so half a frame is added against rounding down).
        """
        hold = self.time(style.HOLD_TIME)
        if not beat.voice:
            return hold
        dt = 1 / self.camera.frame_rate
        needed = beat.start + beat.voice + style.VOICE_PAUSE - self.clock
        if needed <= hold:
            return hold
        return (np.ceil(needed / dt - 1e-9) + 0.5) * dt

    # -- frame furniture -----------------------------------------------------------------------
    def _title_band(self, chapter: str, caption: str) -> VGroup:
        theme, region = self.story.theme, self.regions.title
        head = Text(self.story.tr(f"{chapter}.title"), font=style.FONT, font_size=style.STATUS_SIZE,
                    color=theme.muted)
        text = Text(caption, font=style.FONT, font_size=style.CAPTION_SIZE, color=theme.text)
        if text.width > region.width:
            text.scale_to_fit_width(region.width)
        band = VGroup(head, text).arrange(direction=[0, -1, 0], aligned_edge=[-1, 0, 0], buff=0.12)
        return band.move_to([region.left, region.top, 0], aligned_edge=UL)

    def _samples_text(self, samples) -> str:
        """``1, 2, 3`` for a few samples; ``24 samples`` for a batch."""
        if len(samples) <= 4:
            return self.story.join(s + 1 for s in samples)
        return self.story.tr("common.samples_count", count=len(samples))

    def _status_line(self) -> Text:
        """The status line: epoch, update, sample and the loss's name.

        The learning rate is shown where it acts (the update and training chapters), so the
        chapters before the update do not depend on it (:mod:`bpviz.production.fingerprint`).
        """
        story = self.story
        step = story.step
        text = story.tr("common.status", epoch=step.epoch, epochs=story.trace.config["training"]["epochs"],
                        step=story.video["step"], sample=story.record.sample + 1,
                        samples=self._samples_text(step.samples),
                        loss=story.tr(f"loss_names.{story.trace.loss_name}"))
        return self.status_text(text)

    def status_text(self, text: str) -> Text:
        """``text`` as the status line: muted, at the left of the status band, fitted to its width."""
        region = self.regions.status
        line = Text(text, font=style.FONT, font_size=style.STATUS_SIZE, color=self.story.theme.muted)
        if line.width > region.width:
            line.scale_to_fit_width(region.width)
        return line.move_to([region.left, region.center[1], 0], aligned_edge=[-1, 0, 0])


class Part:
    """A chapter: beat methods over a scene. ``run()`` is its table of contents."""

    name = ""

    def __init__(self, scene: ChapterScene):
        self.scene = scene
        self.story = scene.story
        self.theme = scene.story.theme
        self.regions = scene.regions

    def beat(self, key: str, say: dict | None = None, equations: tuple = (), **values) -> Beat:
        """Start beat ``key`` of this chapter (see :meth:`ChapterScene.beat`)."""
        return self.scene.beat(self.name, key, say=say, equations=equations, **values)

    def nums(self, values, names=None) -> str:
        """Numbers as the screen shows them, as a list (the first three and the last of many).

        With ``names`` (the story's input or output labels), each is ``name = number``.
        """
        shown = [self.story.fmt(v) for v in values]
        if names:
            shown = [f"{name} = {number}" for name, number in zip(names, shown)]
        if len(shown) <= 4:
            return self.story.join(shown)
        return self.story.join([*shown[:3], "…", shown[-1]], last=False)

    def t(self, seconds: float) -> float:
        """A duration with the pacing factor."""
        return self.scene.time(seconds)

    def tr(self, key: str, **values) -> str:
        """Catalogue text."""
        return self.story.tr(key, **values)

    def run(self) -> None:  # pragma: no cover - every part overrides it
        """Play the beats."""
        raise NotImplementedError

    def clear(self, *keep) -> None:
        """Fade out everything but the title band, the status line and ``keep``."""
        scene = self.scene
        keep_ids = {id(m) for m in (scene.status, scene._title, *keep)}
        gone = [m for m in scene.mobjects if id(m) not in keep_ids]
        if gone:
            scene.play(*(Vanish(m) for m in gone), run_time=self.t(0.5))
