"""The shared frame of every crmlearn what-if widget.

A widget is a thin layer: controls -> a pure function -> a headline and one
figure. :class:`WhatIfWidget` does the wiring once, so each concrete widget
only says which controls it has (:meth:`WhatIfWidget._build_controls`), what
to compute (:meth:`WhatIfWidget._compute`) and how to show it
(:meth:`WhatIfWidget._headline` and :meth:`WhatIfWidget._draw`).

Design choices, and why:

- One :class:`matplotlib.figure.Figure` per widget, made without pyplot, so
  nothing leaks into the notebook's inline output and nothing piles up: each
  update clears and redraws the same axes, renders PNG bytes and assigns them
  to the same :class:`ipywidgets.Image`. No ``Output`` widget is involved
  (those are known to stall kernels at shutdown on these machines).
- Sliders use ``continuous_update=False``: one update when the mouse is
  released, not forty while dragging; on a projector that is also calmer.
- No control position may raise: a :class:`~crmlearn.errors.CRMDataError`
  from the pure function becomes the headline text, and any other error is
  shown as a short message (and kept in :attr:`WhatIfWidget.error` for tests).
"""

from __future__ import annotations

import io
import math
from contextlib import contextmanager

import ipywidgets as w
import matplotlib as mpl
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image as PILImage

from ..errors import CRMDataError

__all__ = ["WhatIfWidget", "format_eur", "format_number", "format_percent", "nice_limit", "TEXT"]

#: Words shared by all widgets (one place for a translation).
TEXT = {
    "reset": "Reset",
    "reset_tooltip": "Back to the starting values",
    "failed": "This combination could not be computed ({error}). Press Reset.",
    "currency": "EUR",
}

#: Thousands separator in headlines; "," gives "9,000 EUR".
THOUSANDS = ","

_CONTROL_WIDTH = "520px"
_STYLE = {"description_width": "initial"}


def format_number(value, decimals=0):
    """Format a number with thousands separators, e.g. ``9,000`` or ``-1,250.5``.

    >>> format_number(9000)
    '9,000'
    >>> format_number(-1250.46, 1)
    '-1,250.5'
    >>> format_number(float("inf"))
    'n/a'
    """
    if value is None or not math.isfinite(value):
        return "n/a"
    text = f"{value:,.{decimals}f}"
    if text.startswith("-") and float(text[1:].replace(",", "")) == 0:
        text = text[1:]  # no "-0"
    return text.replace(",", THOUSANDS)


def format_eur(value, decimals=0):
    """Format an amount in EUR, e.g. ``9,000 EUR``.

    >>> format_eur(9000)
    '9,000 EUR'
    """
    return f"{format_number(value, decimals)} {TEXT['currency']}"


def format_percent(share, decimals=0):
    """Format a share as percent with a space before the sign, e.g. ``80 %``.

    >>> format_percent(0.8)
    '80 %'
    """
    return f"{format_number(100.0 * share, decimals)} %"


def nice_limit(value):
    """Round an axis end away from 0 to a 'nice' number (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 x 10^k).

    Snapped limits change less often than the data, so a cached background
    (ticks and labels) can be reused for many updates.

    >>> nice_limit(7.3), nice_limit(-0.42), nice_limit(0)
    (8.0, -0.5, 0.0)
    """
    if value == 0 or not math.isfinite(value):
        return 0.0
    size = abs(value)
    power = 10.0 ** math.floor(math.log10(size))
    for step in (1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0):
        if step * power >= size * (1 - 1e-12):
            return math.copysign(round(step * power, 12), value)
    return math.copysign(10.0 * power, value)  # pragma: no cover


def slider(description, value, low, high, step, *, integer=False, fmt=None):
    """Return a labelled slider (no update while dragging, full-width label)."""
    cls = w.IntSlider if integer else w.FloatSlider
    kwargs = {"readout_format": fmt} if fmt else {}
    return cls(
        value=value, min=low, max=high, step=step, description=description,
        continuous_update=False, style=_STYLE, layout=w.Layout(width=_CONTROL_WIDTH),
        **kwargs,
    )


class WhatIfWidget:
    """Base class: controls, a Reset button, an HTML headline and one figure.

    Subclasses implement ``_build_controls`` (return a dict name -> control,
    in display order), ``_compute(state)`` (call the pure function, return
    its result), ``_headline(result, state)`` (HTML) and
    ``_draw(result, state)`` (draw on ``self.axes``).

    Parameters
    ----------
    large : bool or None
        Bigger fonts in the figure and the headline for a projector. None
        (default) follows :func:`crmlearn.plots.presentation_mode`: large if the
        current matplotlib font size is above the normal one.
    dpi : int
        Resolution of the rendered figure; moderate values keep updates fast.

    Attributes
    ----------
    widget : ipywidgets.VBox
        The box to display; evaluating the object in a cell shows it too.
    result
        The last result of the pure function (None if the last input was
        degenerate).
    message : str or None
        Text shown instead of a number when the input is degenerate.
    error : Exception or None
        An unexpected error from the last update (should stay None).

    """

    TITLE = ""
    FIGSIZE = (8.0, 4.2)
    N_AXES = 1
    #: Cached backgrounds kept per widget (one per axis-limit setting, see _render).
    MAX_BACKGROUNDS = 8
    #: Fixed margins (figure shares). A layout engine would measure every text on
    #: every update and costs about half of the drawing time.
    MARGINS = {"left": 0.11, "right": 0.97, "bottom": 0.14, "top": 0.9, "wspace": 0.35}

    def __init__(self, large=None, dpi=90):
        if large is None:
            large = float(mpl.rcParams["font.size"]) > 12.5
        self.large = bool(large)
        self.dpi = int(dpi)
        self.result = None
        self.message = None
        self.error = None
        self._hold = False
        self.n_updates = 0
        self.controls = self._build_controls()
        self._defaults = {name: c.value for name, c in self.controls.items()}
        self.reset_button = w.Button(
            description=TEXT["reset"], tooltip=TEXT["reset_tooltip"], icon="undo",
            layout=w.Layout(width="120px"),
        )
        self.reset_button.on_click(lambda _: self.reset())
        self.headline = w.HTML(layout=w.Layout(min_height="4.5em"))
        # shown at its own pixel size (crisp), shrunk only if the page is narrower
        self.image = w.Image(format="png", layout=w.Layout(max_width="100%", height="auto"))
        scale = 1.5 if self.large else 1.0
        self._rc = {
            "font.size": 10.0 * scale,
            "axes.titlesize": 11.0 * scale,
            "axes.labelsize": 10.0 * scale,
            "xtick.labelsize": 9.0 * scale,
            "ytick.labelsize": 9.0 * scale,
            "legend.fontsize": 9.0 * scale,
            "lines.linewidth": 2.0 * scale,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.titleweight": "bold",
            "axes.titlelocation": "left",
            "legend.frameon": False,
        }
        figsize = (self.FIGSIZE[0] * 1.25, self.FIGSIZE[1] * 1.25) if self.large else self.FIGSIZE
        with mpl.rc_context(self._rc):
            self.figure = Figure(figsize=figsize, dpi=self.dpi)
            self.figure.subplots_adjust(**self.MARGINS)
            FigureCanvasAgg(self.figure)
            self.axes = self._make_axes(self.figure)
        # Show the PNG at its own pixel size (never blown up and blurred), but let it
        # shrink on a narrow screen.
        self.image.layout.width = f"{int(round(figsize[0] * self.dpi))}px"
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        title = w.HTML(f"<h3 style='margin: 0.2em 0'>{self.TITLE}</h3>") if self.TITLE else None
        parts = [title] if title is not None else []
        parts += [
            self._layout_controls(),
            self.reset_button,
            self.headline,
            self.image,
        ]
        self.widget = w.VBox(parts, layout=w.Layout(width="auto"))
        # Stable CSS hooks for styling and for the browser tests.
        self.widget.add_class("crmlearn-widget")
        self.headline.add_class("crmlearn-headline")
        self.image.add_class("crmlearn-figure")
        self.update()

    # ---- hooks for subclasses --------------------------------------------------------
    def _build_controls(self):  # pragma: no cover - abstract
        raise NotImplementedError

    def _layout_controls(self):
        """Arrange the controls (default: one under the other)."""
        return w.VBox(list(self.controls.values()))

    def _make_axes(self, figure):
        if self.N_AXES == 1:
            return figure.add_subplot()
        return list(figure.subplots(1, self.N_AXES))

    def _compute(self, state):  # pragma: no cover - abstract
        raise NotImplementedError

    def _headline(self, result, state):  # pragma: no cover - abstract
        raise NotImplementedError

    def _draw(self, result, state):  # pragma: no cover - abstract
        raise NotImplementedError

    def _draw_message(self, state):
        """Draw the figure when there is no result (default: empty axes)."""
        for ax in self._all_axes():
            ax.clear()
            ax.set_axis_off()

    # ---- public API ------------------------------------------------------------------
    @property
    def state(self):
        """Current control values as a dict (name -> value)."""
        return {name: c.value for name, c in self.controls.items()}

    @property
    def defaults(self):
        """Control values at the start, restored by :meth:`reset`."""
        return dict(self._defaults)

    def set(self, **values):
        """Set controls by name, as a user would, then update once.

        Values outside a slider's range are clipped to it, as in the UI.
        """
        unknown = sorted(set(values) - set(self.controls))
        if unknown:
            raise CRMDataError(
                f"{type(self).__name__}.set: unknown controls {unknown}; the controls are "
                f"{list(self.controls)}"
            )
        changed = False
        with self._held():
            for name, value in values.items():
                control = self.controls[name]
                if control.value != value:
                    control.value = value
                    changed = True
        if changed:
            self.update()
        return self

    def reset(self):
        """Restore the starting values of all controls."""
        return self.set(**self._defaults)

    @property
    def headline_text(self):
        """The headline as plain text (tags removed), handy in tests."""
        import re

        return re.sub(r"<[^>]+>", " ", self.headline.value).replace("&nbsp;", " ")

    def update(self):
        """Recompute, rewrite the headline and redraw the figure from the controls."""
        state = self.state
        self.error = None
        try:
            result = self._compute(state)
            message = getattr(result, "message", None)
        except CRMDataError as exc:
            result, message = None, _sentence(str(exc))
        except Exception as exc:  # never let a traceback reach the lecture hall
            result, message = None, TEXT["failed"].format(error=_sentence(str(exc)))
            self.error = exc
        self.result = result
        self.message = message
        try:
            with mpl.rc_context(self._rc):
                if result is None:
                    self.headline.value = self._message_html(message)
                    self._draw_message(state)
                else:
                    self.headline.value = self._headline(result, state)
                    self._draw(result, state)
                self.image.value = self._render()
        except Exception as exc:
            self.error = exc
            self.message = TEXT["failed"].format(error=_sentence(str(exc)))
            self.headline.value = self._message_html(self.message)
        self.n_updates += 1

    # ---- helpers ---------------------------------------------------------------------
    def _all_axes(self):
        return self.axes if isinstance(self.axes, list) else [self.axes]

    def _render(self):
        """Render the figure to PNG bytes, reusing a cached background where possible.

        Subclasses may list the artists that change on most updates in
        ``self._animated``. The rest of the figure (axes, ticks, labels: most of
        the drawing time, as matplotlib draws text glyph by glyph) is drawn once
        and kept as a bitmap, one per combination of axis limits, axis
        visibility and :meth:`_background_key` (the last ``MAX_BACKGROUNDS``);
        an update then only draws the listed artists on top of the matching
        bitmap (blitting). Going back to an earlier setting costs no full
        redraw, as long as the figure's other artists are the same for the
        same key (subclasses that rebuild artists must change the key).
        """
        canvas = self.figure.canvas
        animated = [a for a in getattr(self, "_animated", ()) if a.figure is self.figure]
        key = (self._background_key(),
               tuple((ax.get_visible(), ax.get_xlim(), ax.get_ylim()) for ax in self._all_axes()))
        cache = self.__dict__.setdefault("_backgrounds", {})
        if not animated:
            canvas.draw()
        elif key not in cache:
            for artist in animated:
                artist.set_animated(True)  # left out of the full draw
            canvas.draw()
            cache[key] = canvas.copy_from_bbox(self.figure.bbox)
            while len(cache) > self.MAX_BACKGROUNDS:  # forget the oldest
                cache.pop(next(iter(cache)))
            self._bg = cache[key]
            self._draw_animated(animated)
        else:
            self._bg = cache[key]
            canvas.restore_region(self._bg)
            self._draw_animated(animated)
        width, height = canvas.get_width_height()
        image = PILImage.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw",
                                    "RGBA", 0, 1)
        buf = io.BytesIO()
        # fast zlib level: about 4x quicker than the default for a slightly larger file
        image.save(buf, format="png", compress_level=1)
        return buf.getvalue()

    def _draw_animated(self, artists):
        for artist in artists:
            if artist.get_visible() and (artist.axes is None or artist.axes.get_visible()):
                self.figure.draw_artist(artist)

    def _background_key(self):
        """Anything besides axis limits whose change needs a full redraw (default: nothing)."""
        return None

    @property
    def _big(self):
        return "2.8em" if self.large else "2.2em"

    def _big_html(self, main, side="", caption=""):
        """Headline HTML: one big number, optional text beside it and a caption."""
        small = "1.35em" if self.large else "1.05em"
        side_html = (f"<span style='font-size:{small}; color:#555; margin-left:1.2em'>"
                     f"{side}</span>") if side else ""
        cap = f"<div style='font-size:{small}; color:#333'>{caption}</div>" if caption else ""
        return (f"<div><span style='font-size:{self._big}; font-weight:bold'>{main}</span>"
                f"{side_html}{cap}</div>")

    def _message_html(self, message):
        size = "1.5em" if self.large else "1.2em"
        return (f"<div style='font-size:{size}; color:#a0330b; font-weight:bold; "
                f"max-width:760px'>{_escape(message)}</div>")

    def _on_change(self, change):
        if not self._hold:
            self.update()

    @contextmanager
    def _held(self):
        old = self._hold
        self._hold = True
        try:
            yield
        finally:
            self._hold = old

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)

    def __repr__(self):
        values = ", ".join(f"{k}={v!r}" for k, v in self.state.items())
        return f"{type(self).__name__}({values})"


def _sentence(text):
    text = text.strip()
    if text and text[0].islower():
        text = text[0].upper() + text[1:]
    if text and text[-1] not in ".!?":
        text += "."
    return text


def _escape(text):
    return (str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))
