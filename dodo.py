"""doit tasks: `doit` builds every manuscript in manuscript/ into output/<slug>/.

`doit list` shows the tasks; `doit style=apa` overrides every manuscript's
CSL style, `doit paper=letter` its PDF paper size, `doit pdf_variants=pdf/a-3b,print`
its PDF variants; `doit clean` removes the outputs. The work lives in src/pubpipe.
"""

from doit import get_var

from pubpipe.tasks import MANUSCRIPT_ROOT, OUTPUT_ROOT, build_namespace, discover

OUTPUT_ROOT.mkdir(exist_ok=True)
_options = {k: v for k, v in (("paper", get_var("paper", None)),) if v}
if get_var("pdf_variants", None) is not None:
    _options["pdf_variants"] = [v for v in get_var("pdf_variants").split(",") if v]
globals().update(build_namespace(discover(MANUSCRIPT_ROOT), OUTPUT_ROOT, get_var("style", None), _options))
