"""doit tasks: `doit` builds every manuscript in manuscript/ into output/<slug>/.

`doit list --all` shows the tasks. Variables override the front matter for every
manuscript: `doit style=apa` (CSL style), `doit paper=letter` (PDF paper size),
`doit pdf_variants=pdf/a-3b,print` (PDF variants), `doit base_url=https://…/` (where
the outputs are published, for the web page's absolute links). `doit clean` removes
the outputs. The work lives in src/pubpipe.
"""

from doit import get_var

from pubpipe.tasks import MANUSCRIPT_ROOT, OUTPUT_ROOT, build_namespace, discover

OUTPUT_ROOT.mkdir(exist_ok=True)
_options = {k: v for k, v in (("paper", get_var("paper", None)), ("base_url", get_var("base_url", None))) if v}
if get_var("pdf_variants", None) is not None:
    _options["pdf_variants"] = [v for v in get_var("pdf_variants").split(",") if v]
globals().update(build_namespace(discover(MANUSCRIPT_ROOT), OUTPUT_ROOT, get_var("style", None), _options))
