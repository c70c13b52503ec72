"""MathML → SVG for print: WeasyPrint 70 does not render MathML (it prints the flattened text).

Every ``<math>`` of the print HTML becomes an ``<img class="math">`` whose ``src``
is an SVG data URI drawn by ziamath with its bundled STIX Two Math font (glyphs
as paths, so no math font has to be installed or embedded), and whose ``alt``
is the formula's text (MathML ``alttext``, else the TeX source, else the
flattened MathML), so PDF/UA readers get an /Alt for every formula.

Sizes are CSS px at the surrounding font size; inline formulas sit on the text
baseline (``vertical-align`` = depth below the baseline).
"""

from __future__ import annotations

import base64

from lxml import etree

MML_NS = "http://www.w3.org/1998/Math/MathML"


class MathError(ValueError):
    """A formula ziamath cannot draw."""


def _mathml_string(math: etree._Element) -> str:
    """Serialise an un-namespaced (HTML) or namespaced ``<math>`` as MathML."""
    clone = etree.fromstring(etree.tostring(math, with_tail=False))
    for el in clone.iter():
        if isinstance(el.tag, str) and not el.tag.startswith("{"):
            el.tag = f"{{{MML_NS}}}{el.tag}"
    etree.cleanup_namespaces(clone)
    return etree.tostring(clone, encoding="unicode")


def math_to_svg(math: etree._Element, font_px: float) -> tuple[str, float, float, float]:
    """(svg text, width px, height px, depth below baseline px) for one formula."""
    import ziamath

    svg2, ziamath.config.svg2 = ziamath.config.svg2, False  # plain <path>s, no <symbol>/<use> to resolve
    try:
        m = ziamath.Math(_mathml_string(math), size=font_px, margin=0)
        svg = m.svg()
    except Exception as exc:  # ziamath raises assorted errors on odd MathML
        raise MathError(str(exc) or type(exc).__name__) from None
    finally:
        ziamath.config.svg2 = svg2
    root = etree.fromstring(svg.encode("utf-8"))
    width = float(root.get("width"))
    height = float(root.get("height"))
    vb = [float(v) for v in root.get("viewBox").split()]
    # viewBox y runs from -ascent to depth; baseline at y = 0
    depth = max(0.0, vb[1] + vb[3])
    return svg, width, height, depth


def alt_text(math: etree._Element) -> str:
    alt = (math.get("alttext") or "").strip()
    if alt:
        return alt
    return " ".join("".join(math.itertext()).split())


def replace_math(root: etree._Element, font_px: float = 14.0, display_px: float | None = None,
                 on_error=None) -> int:
    """Replace every ``<math>`` under *root* by an SVG ``<img>``; return how many were replaced."""
    count = 0
    for math in list(root.iter("math", f"{{{MML_NS}}}math")):
        parent = math.getparent()
        if parent is None:
            continue
        display = math.get("display") == "block"
        size = (display_px or font_px * 1.1) if display else font_px
        alt = alt_text(math)
        try:
            svg, width, height, depth = math_to_svg(math, size)
        except MathError as exc:
            if on_error:
                on_error(alt, exc)
            span = etree.Element("span", {"class": "math-fallback"})
            span.text = alt
            span.tail = math.tail
            parent.replace(math, span)
            continue
        data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
        img = etree.Element("img", {
            "class": "math math-display" if display else "math math-inline",
            "src": f"data:image/svg+xml;base64,{data}",
            "alt": alt,
            "role": "math",
            "style": (f"width:{width:.3f}px;height:{height:.3f}px;"
                      + ("" if display else f"vertical-align:{-depth:.3f}px")),
        })
        img.tail = math.tail
        parent.replace(math, img)
        count += 1
    return count
