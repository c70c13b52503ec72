"""The metadata model as JATS ``<front>``: journal-meta and article-meta.

Rich text (title, subtitle, abstract, author biographies) arrives already
converted to JATS by pandoc; everything else is built from the model.
"""

from __future__ import annotations

import copy
import re

from lxml import etree

from .jats import sub
from .metadata import CREDIT_URI, Metadata

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]


def _date(parent: etree._Element, tag: str, iso: str, **attrs: str) -> etree._Element:
    el = sub(parent, tag, iso_8601_date=iso, **attrs)
    parts = iso.split("-")
    if len(parts) > 2:
        sub(el, "day", parts[2])
    if len(parts) > 1:
        sub(el, "month", parts[1])
    sub(el, "year", parts[0])
    return el


def _journal_meta(front: etree._Element, meta: Metadata) -> None:
    j = meta.journal
    if j.is_empty:
        return
    jm = sub(front, "journal-meta")
    if j.container_title_short or j.container_title:
        sub(jm, "journal-id", j.container_title_short or j.container_title, journal_id_type="publisher-id")
    if j.container_title:
        group = sub(jm, "journal-title-group")
        sub(group, "journal-title", j.container_title)
        if j.container_title_short:
            sub(group, "abbrev-journal-title", j.container_title_short, abbrev_type="publisher")
    if j.issn:
        sub(jm, "issn", j.issn, pub_type="ppub" if j.eissn else "epub")
    if j.eissn:
        sub(jm, "issn", j.eissn, pub_type="epub")
    if j.publisher:
        pub = sub(jm, "publisher")
        sub(pub, "publisher-name", j.publisher)
        if j.publisher_place:
            sub(pub, "publisher-loc", j.publisher_place)


def _contrib_group(am: etree._Element, meta: Metadata, bios: dict[int, etree._Element]) -> None:
    if not meta.authors:
        return
    group = sub(am, "contrib-group", content_type="authors")
    for index, author in enumerate(meta.authors):
        contrib = sub(group, "contrib", contrib_type="author", id=f"contrib-{index + 1}",
                      corresp="yes" if author.corresponding else None)
        if author.orcid:
            sub(contrib, "contrib-id", author.orcid, contrib_id_type="orcid", authenticated="false")
        if author.literal:
            sub(contrib, "collab", author.literal)
        else:
            name = sub(contrib, "name", name_style="eastern" if author.eastern else "western")
            sub(name, "surname", author.family)
            if author.given:
                sub(name, "given-names", author.given)
        for role in author.roles:
            slug = role.lower().replace(" – ", "-").replace(" & ", "-").replace(" ", "-")
            known = role in _credit_terms()
            sub(contrib, "role", role,
                vocab="credit" if known else None,
                vocab_identifier="https://credit.niso.org/" if known else None,
                vocab_term=role if known else None,
                vocab_term_identifier=CREDIT_URI.format(slug) if known else None)
        if author.email:
            sub(contrib, "email", author.email)
        if author.url:
            sub(contrib, "uri", author.url, xlink_href=author.url)
        for aff_id in author.affiliations:
            sub(contrib, "xref", str(meta.affiliations.index(meta.affiliation(aff_id)) + 1),
                ref_type="aff", rid=aff_id)
        if author.corresponding:
            sub(contrib, "xref", "*", ref_type="corresp", rid="cor1")
        if index in bios:
            bio = sub(contrib, "bio")
            bio.extend(copy.deepcopy(list(bios[index])))
    for number, aff in enumerate(meta.affiliations, start=1):
        el = sub(group, "aff", id=aff.id)
        sub(el, "label", str(number))
        wrap = sub(el, "institution-wrap")
        if aff.ror:
            sub(wrap, "institution-id", aff.ror, institution_id_type="ror")
        sub(wrap, "institution", aff.name)
        if aff.department:
            dept = sub(el, "institution", aff.department, content_type="dept")
            dept.tail = ", "
            wrap.addprevious(dept)
        if aff.city:
            wrap.tail = ", "
            sub(el, "city", aff.city)
        if aff.country:
            last = el[-1]
            last.tail = ", "
            sub(el, "country", aff.country)


def _credit_terms() -> set[str]:
    from .metadata import CREDIT_ROLES

    return set(CREDIT_ROLES.values())


def _permissions(am: etree._Element, meta: Metadata) -> None:
    if not (meta.license or meta.copyright_holder or meta.copyright_year or meta.copyright_statement):
        return
    perm = sub(am, "permissions")
    year = meta.copyright_year
    statement = meta.copyright_statement
    if not statement and (meta.copyright_holder or year):
        statement = "© " + " ".join(x for x in (year, meta.copyright_holder) if x)
    if statement:
        sub(perm, "copyright-statement", statement)
    if year:
        sub(perm, "copyright-year", year)
    if meta.copyright_holder:
        sub(perm, "copyright-holder", meta.copyright_holder)
    if meta.license:
        lic = sub(perm, "license", xlink_href=meta.license.url or None)
        if meta.license.url:
            sub(lic, "ali:license_ref", meta.license.url)
        p = sub(lic, "license-p", "This article is licensed under ")
        if meta.license.url:
            link = sub(p, "ext-link", meta.license.text, ext_link_type="uri", xlink_href=meta.license.url)
            link.tail = "."
        else:
            p.text += meta.license.text + "."


def _funding(am: etree._Element, meta: Metadata) -> None:
    if not (meta.funding or meta.funding_statement):
        return
    fg = sub(am, "funding-group")
    for index, f in enumerate(meta.funding, start=1):
        ag = sub(fg, "award-group", id=f"award-{index}")
        sub(ag, "funding-source", f.source)
        for award in f.awards:
            sub(ag, "award-id", award)
        if f.recipient:
            recipient = sub(ag, "principal-award-recipient")
            sub(recipient, "string-name", f.recipient)
    statement = meta.funding_statement or "; ".join(
        f"{f.source}" + (f" ({', '.join(f.awards)})" if f.awards else "") for f in meta.funding)
    sub(fg, "funding-statement", statement)


def build_front(meta: Metadata, rich: dict[str, etree._Element], bios: dict[int, etree._Element]) -> etree._Element:
    """The complete ``<front>``.

    *rich* holds pandoc's JATS for ``article-title``, ``subtitle`` and
    ``abstract``; *bios* maps author index to a container of biography paragraphs.
    """
    front = etree.Element("front")
    _journal_meta(front, meta)
    am = sub(front, "article-meta")
    if meta.doi:
        sub(am, "article-id", meta.doi, pub_id_type="doi")
    tg = sub(am, "title-group")
    title = rich.get("article-title")
    tg.append(copy.deepcopy(title) if title is not None else etree.Element("article-title"))
    if title is None:
        tg[-1].text = meta.plain_title
    if rich.get("subtitle") is not None:
        tg.append(copy.deepcopy(rich["subtitle"]))
    if meta.short_title:
        sub(tg, "alt-title", meta.running_title, alt_title_type="running-head")
    _contrib_group(am, meta, bios)
    corresponding = [a for a in meta.authors if a.corresponding]
    if corresponding:
        notes = sub(am, "author-notes")
        corresp = sub(notes, "corresp", id="cor1")
        corresp.text = "Corresponding author: " + ", ".join(a.display_name for a in corresponding)
        emails = [a.email for a in corresponding if a.email]
        if emails:
            corresp.text += ", "
            for i, email in enumerate(emails):
                el = sub(corresp, "email", email)
                el.tail = ", " if i < len(emails) - 1 else None
    if meta.date:
        _date(am, "pub-date", meta.date, publication_format="electronic", date_type="pub")
    else:
        sub(am, "pub-date-not-available")
    j = meta.journal
    if j.volume:
        sub(am, "volume", j.volume)
    if j.issue:
        sub(am, "issue", j.issue)
    if j.first_page:
        sub(am, "fpage", j.first_page)
        if j.last_page:
            sub(am, "lpage", j.last_page)
    elif j.elocation_id:
        sub(am, "elocation-id", j.elocation_id)
    if meta.date_received or meta.date_accepted:
        history = sub(am, "history")
        if meta.date_received:
            _date(history, "date", meta.date_received, date_type="received")
        if meta.date_accepted:
            _date(history, "date", meta.date_accepted, date_type="accepted")
    _permissions(am, meta)
    if j.url:
        sub(am, "self-uri", xlink_href=j.url)
    if rich.get("abstract") is not None:
        am.append(copy.deepcopy(rich["abstract"]))
    if meta.keywords:
        kg = sub(am, "kwd-group", kwd_group_type="author")
        sub(kg, "title", "Keywords")
        for kw in meta.keywords:
            sub(kg, "kwd", kw)
    _funding(am, meta)
    return front


def article_attributes(root: etree._Element, meta: Metadata) -> None:
    root.set("dtd-version", "1.3")
    root.set("article-type", re.sub(r"[^a-z-]", "", meta.article_type.lower()) or "research-article")
    root.set("{http://www.w3.org/XML/1998/namespace}lang", meta.lang)
