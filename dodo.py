"""doit tasks: `doit` builds every manuscript in manuscript/ into output/<slug>/.

`doit list` shows the tasks; `doit style=apa` overrides every manuscript's
CSL style; `doit clean` removes the outputs. The work lives in src/pubpipe.
"""

from doit import get_var

from pubpipe.tasks import MANUSCRIPT_ROOT, OUTPUT_ROOT, build_namespace, discover

OUTPUT_ROOT.mkdir(exist_ok=True)
globals().update(build_namespace(discover(MANUSCRIPT_ROOT), OUTPUT_ROOT, get_var("style", None)))
