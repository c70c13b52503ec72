"""pubpipe: Pandoc Markdown manuscripts to JATS XML, print PDF, EPUB and web HTML.

The pipeline is one straight line with JATS as the hub::

    Markdown + front matter + bibliography
      -> pandoc -> JATS -> validate            (markdown_to_jats, validate)
      -> citations written into the JATS        (citations)
      -> HTML, print HTML -> PDF, EPUB          (renditions)
"""

__version__ = "0.1.0"
