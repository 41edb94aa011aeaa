"""Slide decks written from beat clips, one slide per beat, through manim-slides' converters (optional).

The clips come from :mod:`bpviz.production.decks` (the chapter jobs of ``bpviz render`` with
``sections=True``): each clip is one section and ends on a settled frame, so a slide stops where
the beat has finished. manim-slides turns them into a reveal.js page (``html``), a PowerPoint
deck (``pptx``) or a handout (``pdf``: one page per beat, its last frame above what is said over
it). Only its converters are used: they need neither Qt nor a display. No reversed clips are
made (each slide's ``rev_file`` is its own clip, which the converters do not read).

This module imports manim-slides: import it only when a deck is asked for.
"""

from __future__ import annotations

import html
import tempfile
from functools import partial
from pathlib import Path

import av
import manim_slides.convert
from manim_slides.config import PresentationConfig, SlideConfig
from manim_slides.convert import PDF, FrameIndex, PowerPoint, RevealJS, read_image_from_video_file
from PIL import Image, ImageDraw, ImageFont
from tqdm import tqdm

from bpviz.outputs.publish import Publication
from bpviz.outputs.subtitles import code_hint, convention, equation_lines
from scenes import style
from scenes.chapters.base import Beat
from scenes.chapters.glosses import symbol_table
from scenes.story import Story


def notes(story: Story, beat: Beat, markdown: bool = False) -> str:
    """Presenter notes of ``beat``: what it shows and says, its equations with numbers, the conventions.

    The last paragraph names the command that writes the film's numbers as a program (``bpviz code``).

    With ``markdown`` (reveal.js renders notes as Markdown inside HTML) the text is HTML-escaped
    and each equation is a code span, so that the underscores and backslashes of LaTeX survive.
    """
    equations = equation_lines(story, beat)
    if markdown:  # one paragraph per equation, each a code span
        equations = [f"`{tex}`\n" for tex in equations]
    parts = [story.tr("script.shows", caption=beat.caption), beat.say]
    if equations:
        parts.append("\n".join([story.tr("script.equation"), *equations]).rstrip())
    parts += [convention(story), code_hint(story)]
    text = "\n\n".join(parts)
    return html.escape(text, quote=False) if markdown else text


def handout_page(story: Story, beat: Beat, index: int, clip: Path) -> Image.Image:
    """A handout page: the clip's last (settled) frame above the beat's narration."""
    frame = read_image_from_video_file(clip, FrameIndex.last).convert("RGB")
    width, height = frame.size
    font = ImageFont.truetype(style.HANDOUT_FONT_FILE, max(10, round(width * style.HANDOUT_TEXT)))
    margin, line = round(width * style.HANDOUT_MARGIN), round(font.size * 1.35)
    title = f"{index:02d} · {beat.key}"
    theme = story.theme
    rows = []
    for para, colour in ((title, theme.muted), (beat.say, theme.text), (convention(story), theme.muted)):
        rows += [("", colour)] * bool(rows) + [(t, colour) for t in _wrap(para, font, width - 2 * margin)]
    page = Image.new("RGB", (width, height + 2 * margin + line * len(rows)), story.theme.background)
    page.paste(frame, (0, 0))
    draw = ImageDraw.Draw(page)
    for n, (text, colour) in enumerate(rows):
        draw.text((margin, height + margin + n * line), text, font=font, fill=colour)
    return page


def symbol_table_page(story: Story, size: tuple[int, int]) -> Image.Image:
    """One page of the deck's symbols in words (:func:`~scenes.chapters.glosses.symbol_table`).

    The story's notation and language, on the theme's background, at the slides' picture ``size``:
    the text takes the largest of a few sizes that fits the page.
    """
    width, height = size
    title, rows = symbol_table(story)
    theme = story.theme
    for scale in (1.3, 1.15, 1.0, 0.9, 0.8, 0.7, 0.6):
        font = ImageFont.truetype(style.HANDOUT_FONT_FILE, max(8, round(width * style.HANDOUT_TEXT * scale)))
        big = ImageFont.truetype(style.HANDOUT_FONT_FILE, max(10, round(font.size * 1.4)))
        margin, line = round(width * style.HANDOUT_MARGIN * 2), round(font.size * 1.4)
        wrapped = [_wrap(row, font, width - 2 * margin) for row in rows]
        tall = 2 * margin + round(big.size * 2.2) + line * (sum(map(len, wrapped)) + len(rows) - 1)
        if tall <= height:
            break
    page = Image.new("RGB", (width, height), theme.background)
    draw = ImageDraw.Draw(page)
    draw.text((margin, margin), title, font=big, fill=theme.text)
    y = margin + round(big.size * 2.2)
    for row in wrapped:
        for text in row:
            draw.text((margin, y), text, font=font, fill=theme.text)
            y += line
        y += line
    return page


def still_clip(image: Image.Image, path: Path, seconds: float = 1.0, fps: int = 15) -> Path:
    """``image`` held for ``seconds`` as an H.264 clip (a deck slide is a clip, like every beat's)."""
    even = image.crop((0, 0, image.width - image.width % 2, image.height - image.height % 2))
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=fps)
        stream.width, stream.height, stream.pix_fmt = even.width, even.height, "yuv420p"
        frame = av.VideoFrame.from_image(even)
        for _ in range(max(1, round(seconds * fps))):
            container.mux(stream.encode(frame))
        container.mux(stream.encode())
    return path


def symbol_table_slide(story: Story, size: tuple[int, int], work: Path, still: bool) -> SlideConfig:
    """The deck's last slide: the symbol table, as a PNG page (``still``: a handout) or a clip.

    Its presenter notes are the table's text.
    """
    work.mkdir(parents=True, exist_ok=True)
    page = symbol_table_page(story, size)
    file = work / "symbols.png"
    page.save(file)
    if not still:
        file = still_clip(page, work / "symbols.mp4")
    title, rows = symbol_table(story)
    return SlideConfig(file=file, rev_file=file, notes="\n\n".join([title, *rows]), dedent_notes=False)


def _wrap(text: str, font, width: int) -> list[str]:
    """``text`` broken at spaces into lines no wider than ``width`` pixels."""
    lines: list[str] = []
    for word in text.split():
        if lines and font.getlength(f"{lines[-1]} {word}") <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def handout(story: Story, config: PresentationConfig, beats: list[Beat], work: Path) -> PresentationConfig:
    """``config`` with each clip replaced by its handout page (a PNG, all pages of one size)."""
    work.mkdir(parents=True, exist_ok=True)
    images = [handout_page(story, beat, n, slide.file)
              for n, (slide, beat) in enumerate(zip(config.slides, beats), 1)]
    tallest = max(image.height for image in images)
    pages = []
    for n, image in enumerate(images, 1):
        page = Image.new("RGB", (image.width, tallest), story.theme.background)
        page.paste(image, (0, 0))
        page.save(work / f"{n:03d}.png")
        pages.append(work / f"{n:03d}.png")
    slides = [SlideConfig(file=page, rev_file=page, notes=slide.notes, dedent_notes=False)
              for slide, page in zip(config.slides, pages)]
    return config.model_copy(update={"slides": slides})


def convert(configs: list[PresentationConfig], dest: Path, to: str, title: str, voiced: bool = False) -> Path:
    """Write the deck of ``configs`` to ``dest`` in format ``to`` with manim-slides' converters.

    A ``voiced`` html deck gets :data:`FIRST_SLIDE_VOICE`: manim-slides mutes the first slide's
    clip (a browser plays no sound before the viewer's first gesture, so only a muted clip
    starts by itself), which would keep the first beat's voice silent for good.

    The deck is made in a temporary folder, then published with its clips, together
    (:class:`~bpviz.outputs.publish.Publication`): a failed conversion or a full disk leaves
    ``dest`` as it was, and an html deck's clips replace those of the same name in
    ``<name>_assets/`` (manim-slides would keep an existing clip of that name, however stale).
    """
    with tempfile.TemporaryDirectory(prefix="bpviz-deck-") as tmp, Publication() as out:
        made = Path(tmp) / dest.name
        _converter(configs, to, title).convert_to(made)
        if voiced and to == "html":
            page = made.read_text(encoding="utf-8")
            made.write_text(_before_last(page, "</body>", FIRST_SLIDE_VOICE), encoding="utf-8")
        assets = made.parent / f"{made.stem}_assets"
        if assets.is_dir():
            for clip in sorted(p for p in assets.rglob("*") if p.is_file()):
                out.add_file(clip, dest.parent / assets.name / clip.relative_to(assets))
        out.add_file(made, dest)
    return dest


FIRST_SLIDE_VOICE = """<script>
// bpviz: the first slide's clip starts muted (before a gesture a browser plays no sound); the
// viewer's first key or click unmutes it and, on the first slide still, plays it from its start.
(() => {
  let done = false;
  const speak = () => {
    if (done || typeof Reveal === "undefined") return;
    done = true;
    const video = Reveal.getSlideBackground(0, 0)?.querySelector("video");
    if (!video) return;
    video.muted = false;
    const at = Reveal.getIndices();
    if (at.h === 0 && !at.v) { video.currentTime = 0; video.play().catch(() => {}); }
  };
  document.addEventListener("keydown", speak, true);
  document.addEventListener("pointerdown", speak, true);
})();
</script>
"""
"""What a voiced html deck adds: the first beat's voice from the viewer's first key or click."""


def _before_last(text: str, tag: str, insert: str) -> str:
    """``text`` with ``insert`` put before its last ``tag`` (at its end when there is none)."""
    at = text.rfind(tag)
    return text + insert if at < 0 else text[:at] + insert + text[at:]


def _converter(configs: list[PresentationConfig], to: str, title: str):
    """manim-slides' converter of format ``to`` for ``configs``."""
    width, height = configs[0].resolution
    manim_slides.convert.tqdm = partial(tqdm, disable=True)  # no progress bars among our output lines
    if to == "html":
        converter = RevealJS(presentation_configs=configs, title=title,
                             background_color=str(configs[0].background_color.as_hex()))
    elif to == "pptx":
        converter = PowerPoint(presentation_configs=configs, width=width, height=height)
    else:
        converter = PDF(presentation_configs=configs)
    return converter
