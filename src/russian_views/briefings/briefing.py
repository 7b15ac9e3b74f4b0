"""The briefings' sections: what each notebook cell shows, built from queries, charts and markup.

A notebook makes one briefing object from its parameters and then calls one method
per cell. Each method returns an HTML fragment or a :class:`~russian_views.briefings.charts.Figure`;
nothing here prints. Three voices are kept apart throughout and labelled as such:
Moscow's view (what the review reports the Russian book as holding), the reviewer's
own judgment, and our summaries (bottom line, captions), which cite the passages
they rest on.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import pandas as pd

from russian_views.briefings import charts, queries
from russian_views.briefings import markup as m
from russian_views.dataset.load import Dataset, load_dataset
from russian_views.params import (
    Options,
    Period,
    data_years,
    from_namespace,
    resolve_actor,
    resolve_options,
    resolve_period,
)
from russian_views.spec import ACTOR

MOSCOW, REVIEWER, ANALYST = "moscow", "reviewer", "analyst"
RESERVATION = "reservation"
# The column saying which side of a comparison a claim is on (see group_claims).
SIDE = "side"
SUMMARY_EXPECTATIONS = 2
# The evidence columns of key_judgments.csv and the frame each one's ids point into.
EVIDENCE = {"claim_ids": "claim_id", "event_ids": "event_id", "expectation_ids": "expectation_id"}


@dataclass
class Briefing:
    """What every briefing shares: the data, the period, figure numbering, citations, the
    record box and the written key judgments."""

    dataset: Dataset
    period: Period
    _figures: int = field(default=0, init=False)

    # ---------------------------------------------------------------- helpers

    def label(self, code_list: str, code: str) -> str:
        """Reader-facing label of a code."""
        return self.dataset.label(code_list, code)

    def labels(self, code_list: str) -> dict[str, str]:
        """Every label of a code list, in codebook order."""
        return {c: self.dataset.label(code_list, c) for c in self.dataset.codes(code_list)}

    def name(self, actor_id: str) -> str:
        """Display name of an actor."""
        return queries.actor_name(self.dataset, actor_id)

    @property
    def multi_source(self) -> bool:
        """Whether the data cite more than one source (then every reference names its own)."""
        return len(self.dataset.sources) > 1

    def cite(self, row: pd.Series | dict) -> m.Html:
        """The citation of one record."""
        return m.cite_row(row, self.multi_source)

    def cite_rows(self, rows: pd.DataFrame) -> m.Html:
        """The citations of several records, each sentence once."""
        return m.cite_rows(rows, self.multi_source)

    def with_references(self, rows: pd.DataFrame) -> pd.DataFrame:
        """``rows`` with a ``reference`` column as citations show it (for chart tooltips)."""
        return rows.assign(reference=m.ref_labels(rows, self.multi_source))

    @cached_property
    def record(self) -> Period:
        """The span of the whole coded record (what "undated" is measured against)."""
        return data_years(self.dataset)

    def dated(self, claims: pd.DataFrame) -> pd.DataFrame:
        """The claims the source dates more closely than the whole record."""
        return claims[~queries.undated(claims, self.record)]

    @property
    def as_of(self) -> str:
        """The date of the latest source: nothing after it is in the coded record."""
        return str(self.dataset.sources["published"].max())

    def events_figure(
        self, events: pd.DataFrame, subject: str, empty: str, listed: str
    ) -> charts.Figure | m.Html:
        """The timeline of ``events`` (``subject`` says whose, as in "involving China";
        ``listed`` where the reader finds each event told in full)."""
        if events.empty:
            return m.empty(empty)
        names = dict(zip(self.dataset.actors["actor_id"], self.dataset.actors["name"], strict=True))
        chart = charts.event_timeline(
            self.with_references(events), self.period.since, self.period.until, names
        )
        missed = int((~events["occurred"]).sum())
        alt_text = (
            f"Timeline of {len(events)} dated events {subject} between {self.period.since} and "
            f"{self.period.until}, {missed} of which did not happen as planned; {listed}."
        )
        caption = (
            f"{len(events)} events {subject}, {self.period}. Crosses mark planned events that did "
            f"not happen; events dated only to a year or month sit in its middle; {listed}."
        )
        return self.figure(chart, caption, alt_text)

    def figure(self, chart, caption: str, alt_text: str) -> charts.Figure:
        """Number the next figure of this briefing."""
        self._figures += 1
        return charts.Figure(chart, self._figures, caption, alt_text)

    def claim_item(self, row: Mapping[str, Any], *, badge: bool = True) -> m.Html:
        """One claim as a list item: voice, our paraphrase, the verbatim quote when it says
        more than the paraphrase already repeats, and the citation (whose passage, printed in
        full at the end, always holds the quote)."""
        parts = []
        if badge:
            parts.append(m.view_badge(row["view"], self.label("view", row["view"])))
        parts.append(m.with_quote(row["paraphrase"], row["quote"]))
        meta = [self.label("claim_kind", row["claim_kind"])]
        if row["stance"]:
            meta.append(f"stance: {self.label('stance', row['stance']).lower()}")
        meta.append(_years(row["period_start"], row["period_end"]))
        parts.append(m.tag("span", " · ".join(meta), class_="meta"))
        parts.append(self.cite(row))
        return m.join(parts, " ")

    def claim_list(self, claims: pd.DataFrame, empty: str, **kwargs) -> m.Html:
        """A list of claims in chronological order, or a note saying there are none."""
        if claims.empty:
            return m.empty(empty)
        ordered = claims.sort_values(["period_start", "period_end", "claim_id"])
        return m.bullets(
            [self.claim_item(r, **kwargs) for r in ordered.to_dict("records")], class_="claims"
        )

    def passages_for(self, *frames: pd.DataFrame) -> m.Html:
        """The appendix: every cited sentence in full, with the anchor citations link to."""
        cited = queries.cited_sentences(*frames)
        if cited.empty:
            return m.empty("No passages are cited.")
        items = []
        for row in cited.itertuples():
            text = self.dataset.texts[row.source_id]
            para = text.paragraph(row.paragraph)
            label = m.ref_label(row.source_id, row.paragraph, row.sentence, self.multi_source)
            sentence = para.sentences[row.sentence - 1].text
            items.append(
                m.tag(
                    "li",
                    m.join(
                        [
                            m.tag("span", label, class_="ref"),
                            m.tag("span", para.section, class_="section"),
                            sentence,
                        ],
                        " ",
                    ),
                    id=m.anchor_id(row.source_id, row.paragraph, row.sentence),
                )
            )
        return m.tag("ol", m.join(items), class_="passages")

    # ---------------------------------------------------------------- record

    def source_box(self, heading: str = "The record behind this briefing") -> m.Html:
        """What the record is and as of when: each source, what each voice means."""
        items = []
        for s in self.dataset.sources.itertuples():
            parts = [f"{s.author}," if s.author else ""]
            title = m.tag("cite", s.title)
            if s.url:
                title = m.tag("a", title, href=s.url)
            parts.append(title + ",")
            parts.append(f"{s.outlet}, {s.published}.")
            if s.reviewed_work:
                parts.append(f"Reviewed work: {s.reviewed_work}")
            if self.multi_source:
                parts.append(m.tag("span", f"Cited as {s.source_id}.", class_="meta"))
            items.append(m.join((p for p in parts if p), " "))
        n = len(self.dataset.sources)
        record = (
            f"The record is {'one secondary source' if n == 1 else f'{n} secondary sources'}, "
            f"coded by us sentence by sentence; it is current as of {self.as_of}, the date of "
            "the latest source. Nothing that happened later is in it, except the status of "
            "signposts, each marked as from outside the record and citing a public record."
        )
        voices = [
            (MOSCOW, self.label("view", MOSCOW), self.dataset.definition("view", MOSCOW)),
            (REVIEWER, self.label("view", REVIEWER), self.dataset.definition("view", REVIEWER)),
            (ANALYST, self.label("voice", ANALYST), self.dataset.definition("voice", ANALYST)),
        ]
        voice_items = [
            m.join([m.view_badge(code, label), definition], " ")
            for code, label, definition in voices
        ]
        quotes = (
            "Text in quotation marks is verbatim from the source; ¶ and s give the body "
            "paragraph and sentence, each linked to the full passage at the end."
        )
        body = m.join(
            [
                m.tag("h2", heading, class_="box-title"),
                m.list_tag("ul", items, class_="sources"),
                m.paragraph(record),
                m.list_tag("ul", voice_items, class_="voices"),
                m.paragraph(quotes),
            ]
        )
        return m.tag("aside", body, class_="record-box")

    def sources_phrase(self) -> str:
        """Where the record comes from, for a standfirst: "The Asan Forum (2021)"."""
        names = [f"{s.outlet} ({s.published})" for s in self.dataset.sources.itertuples()]
        return names[0] if len(names) == 1 else f"{len(names)} sources: " + "; ".join(names)

    def meta_block(self, title: str, dek: str) -> m.Html:
        """Title, standfirst, the provenance line and the record box every briefing opens with."""
        meta = (
            f"Period {self.period} · Record as of {self.as_of} · "
            f"Data version {self.dataset.version}"
        )
        return m.join(
            [
                m.tag("h1", title),
                m.paragraph(dek, class_="dek"),
                m.paragraph(meta, class_="meta-line"),
                self.source_box(),
            ]
        )

    # ---------------------------------------------------------------- key judgments

    def judgments(self, scope: str, *frames: pd.DataFrame) -> list[tuple[pd.Series, pd.DataFrame]]:
        """The written key judgments of ``scope`` (an actor id or "overview") whose evidence
        survives this briefing's cut, in rank order, each with its surviving evidence rows.

        ``frames`` are the records the briefing shows (claims, events, expectations); a
        judgment none of whose cited records is among them is dropped, because the reader
        could not check it against this cut.
        """
        shown = {
            column: set().union(*(set(f[column]) for f in frames if column in f))
            for column in EVIDENCE.values()
        }
        records = {
            "claim_id": self.dataset.claims,
            "event_id": self.dataset.events,
            "expectation_id": self.dataset.expectations,
        }
        table = self.dataset.key_judgments
        rows = table[table["briefing"] == scope].sort_values("rank")
        out = []
        for _, kj in rows.iterrows():
            evidence = []
            for list_column, id_column in EVIDENCE.items():
                ids = [i for i in kj[list_column].split("|") if i and i in shown[id_column]]
                frame = records[id_column]
                evidence.append(frame[frame[id_column].isin(ids)][queries.CITATION_COLUMNS])
            found = pd.concat(evidence, ignore_index=True)
            if len(found):
                out.append((kj, found))
        return out

    def judgment_item(self, kj: pd.Series, evidence: pd.DataFrame) -> m.Html:
        """One key judgment: whose judgment, the judgment, its likelihood and confidence with
        the basis, the evidence it cites, and what would weaken it."""
        voice = kj["voice"]
        level = []
        if kj["probability"]:
            level.append(self.label("probability", kj["probability"]))
        level.append(self.label("confidence", kj["confidence"]).lower())
        level_text = m.sentence_case("; ".join(level)) + "."
        head = m.join(
            [m.view_badge(voice, self.label("voice", voice)), m.tag("strong", kj["judgment"])],
            " ",
        )
        basis = [
            m.tag("span", level_text, class_="kj-level"),
            kj["basis"],
            self.cite_rows(evidence),
        ]
        if kj["watch"]:
            basis.append(m.tag("span", f"Would weaken it: {kj['watch']}", class_="kj-watch"))
        return m.tag("p", head, class_="kj") + m.tag("p", m.join(basis, " "), class_="kj-basis")

    def judgment_list(self, judgments: list[tuple[pd.Series, pd.DataFrame]]) -> m.Html:
        """The key judgments as a numbered list (empty when none survives the cut)."""
        if not judgments:
            return m.Html()
        entries = (self.judgment_item(kj, ev) for kj, ev in judgments)
        return m.list_tag("ol", entries, class_="key-judgments")

    def stance_count(self, claims: pd.DataFrame, about: str) -> str:
        """A computed sentence that says exactly what it counted, and its n."""
        scored = claims.dropna(subset=["stance_score"])
        if claims.empty:
            return f"The record holds no coded statement of Moscow's view about {about} here."
        warm = int((scored["stance_score"] > 0).sum())
        cool = int((scored["stance_score"] < 0).sum())
        mixed = len(scored) - warm - cool
        unscored = len(claims) - len(scored)
        text = (
            f"Of the {len(claims)} coded statements of Moscow's view about {about} in this "
            f"record, {len(scored)} carry a stance: {warm} favourable or supportive, {mixed} "
            f"mixed or neutral, {cool} critical or hostile"
        )
        return text + (f"; {unscored} carry none." if unscored else ".")


def _years(start: object, end: object) -> str:
    return f"{int(start)}" if int(start) == int(end) else f"{int(start)}–{int(end)}"


@dataclass
class ActorBriefing(Briefing):
    """“Russian views of X”: the sections of ``notebooks/actor_briefing.ipynb``."""

    actor_id: str = ""
    options: Options | None = None

    def __post_init__(self) -> None:
        if self.options is None:
            self.options = resolve_options(self.dataset)

    @classmethod
    def from_parameters(
        cls,
        actor: object,
        since: object = None,
        until: object = None,
        themes: object = None,
        views: object = None,
        detail: object = None,
        edition: object = None,
        dataset: Dataset | None = None,
    ) -> ActorBriefing:
        """Validate the notebook's parameters (one-line errors naming valid choices)."""
        dataset = dataset or load_dataset()
        return cls(
            dataset=dataset,
            period=resolve_period(since, until, dataset),
            actor_id=resolve_actor(actor, dataset),
            options=resolve_options(dataset, themes, views, detail, edition),
        )

    @classmethod
    def from_namespace(cls, namespace: dict) -> ActorBriefing:
        """The briefing for the notebook's parameters (refusing names it does not take)."""
        return cls.from_parameters(**from_namespace(namespace, ACTOR))

    def _select(self, view: str, **filters) -> pd.DataFrame:
        """Claims in the period for one voice, cut to the chosen themes (none if voice is off)."""
        claims = queries.select_claims(
            self.dataset, self.period, views=[view], themes=self.options.themes, **filters
        )
        return claims if view in self.options.views else claims.iloc[0:0]

    @property
    def title(self) -> str:
        """The briefing's title."""
        return queries.briefing_title(self.dataset, self.actor_id)

    @cached_property
    def claims(self) -> pd.DataFrame:
        """Moscow's claims about the actor's family in the period."""
        return self._select(MOSCOW, subjects=queries.family(self.dataset, self.actor_id))

    @cached_property
    def reviewer_claims(self) -> pd.DataFrame:
        """The source author's judgments about the actor, plus their reservations about the
        book's picture of Russia (shown in every briefing, since they qualify all of it)."""
        reviewer = self._select(REVIEWER)
        members = queries.family(self.dataset, self.actor_id)
        general = (reviewer["home_id"] == "russia") & (reviewer["claim_kind"] == RESERVATION)
        about = reviewer["subject_id"].isin(members) | reviewer["counterpart_id"].isin(members)
        return reviewer[about | general]

    @cached_property
    def events(self) -> pd.DataFrame:
        """Events involving the actor's family in the period."""
        return queries.events_involving(self.dataset, self.actor_id, self.period)

    @cached_property
    def relations(self) -> pd.DataFrame:
        """Moscow's claims relating the actor to others."""
        relations = queries.relations(self.dataset, self.actor_id, self.period)
        keep = relations["theme"].isin(self.options.themes) & (MOSCOW in self.options.views)
        return relations[keep]

    @cached_property
    def expectations(self) -> pd.DataFrame:
        """Expectations about the actor whose horizon reaches the period, in the chosen voices."""
        expectations = queries.expectations_about(self.dataset, self.actor_id, self.period)
        return expectations[expectations["view"].isin(self.options.views)]

    @cached_property
    def signposts(self) -> pd.DataFrame:
        """Signposts of those expectations."""
        return queries.signposts_for(self.dataset, self.expectations["expectation_id"])

    @cached_property
    def wants(self) -> pd.DataFrame:
        """What Moscow wants from or for the actor: prescriptions about it or relating to it."""
        pres = self._select(MOSCOW)
        pres = pres[pres["claim_kind"] == "prescription"]
        members = queries.family(self.dataset, self.actor_id)
        return pres[pres["subject_id"].isin(members) | pres["counterpart_id"].isin(members)]

    # ---------------------------------------------------------------- sections

    @cached_property
    def printed_elsewhere(self) -> pd.Series:
        """Moscow's claims about the actor that "What Moscow wants" prints in full (each
        claim is printed once)."""
        return self.claims["claim_id"].isin(self.wants["claim_id"])

    @cached_property
    def own_relations(self) -> pd.DataFrame:
        """Relations that no other section prints: other actors' dealings with this one (its
        own claims are under the themes, prescriptions under what Moscow wants)."""
        members = queries.family(self.dataset, self.actor_id)
        relations = self.relations
        shown = relations["subject_id"].isin(members) | relations["claim_id"].isin(
            self.wants["claim_id"]
        )
        return relations.assign(elsewhere=shown)

    def title_block(self) -> m.Html:
        """Title, standfirst, provenance and the record box."""
        dek = (
            f"How Moscow sees {self.name(self.actor_id)}, {self.period}, as Russian authors' "
            f"views are reported in {self.sources_phrase()} — and what Moscow wants to happen "
            "next."
        )
        return m.join([self.meta_block(self.title, dek), self._options_line()])

    def _options_line(self) -> m.Html:
        """Which cut of the data this is, when it is not the whole of it."""
        o = self.options
        parts = []
        if o.themes != tuple(self.dataset.codes("theme")):
            parts.append("themes: " + ", ".join(self.label("theme", t) for t in o.themes))
        if len(o.views) == 1:
            parts.append(f"only {self.label('view', o.views[0])}")
        if o.detail == "summary":
            parts.append("summary (the full briefing has every section)")
        if o.edition != "reader":
            parts.append(f"{o.edition} edition")
        return m.note("This cut: " + "; ".join(parts) + ".") if parts else m.Html()

    def key_judgments(self) -> list[tuple[pd.Series, pd.DataFrame]]:
        """The written key judgments on this actor that this cut's records still support."""
        return self.judgments(
            self.actor_id,
            self.claims,
            self.relations,
            self.wants,
            self.reviewer_claims,
            self.events,
            self.expectations,
        )

    def bottom_line(self) -> m.Html:
        """Key judgments up front, then what the coded record holds, counted."""
        name = self.name(self.actor_id)
        judgments = self.key_judgments()
        count = self.stance_count(self.claims, name)
        if not judgments:
            narrowed = (
                f"No key judgment on {name} rests on the records of this cut. It holds "
                f"{len(self.claims)} statements of Moscow's view about {name}, "
                f"{len(self.events)} dated events and {len(self.expectations)} expectations."
            )
            return m.join([m.empty(narrowed), m.note(f"Our count. {count}")])
        return m.join([self.judgment_list(judgments), m.note(f"Our count. {count}")])

    def stance_chart(self) -> charts.Figure | m.Html:
        """Moscow's stance toward the actor, at the years the source dates each statement to."""
        scored = self.claims.dropna(subset=["stance_score"])
        if scored.empty:
            return m.empty("No coded statement in this cut carries a stance.")
        dated = self.dated(scored)
        undated = scored.drop(dated.index)
        yearly = queries.stance_by_year(dated, self.period)
        chart = charts.stance_timeline(
            self.with_references(dated),
            undated,
            yearly,
            self.labels("stance"),
            self.period.since,
            self.period.until,
        )
        name = self.name(self.actor_id)
        averaged = yearly.dropna(subset=["mean_stance"])
        years = ", ".join(
            f"{int(y)} (n = {int(n)})"
            for y, n in zip(averaged["year"], averaged["claims"], strict=True)
        )
        alt_text = (
            f"Chart of {len(scored)} coded statements of Moscow's view about {name} that carry "
            f"a stance, on a scale from hostile to supportive: {len(dated)} drawn as bars over "
            f"the years the source dates them to, {len(undated)} that the source does not date "
            f"more closely than {self.record} counted apart. "
            + (
                f"Yearly averages shown for {years}."
                if years
                else f"No year has the {queries.MIN_YEARLY} dated statements an average needs."
            )
        )
        caption = (
            f"Moscow's stance toward {name} as one {self.as_of} source dates it, not a poll of "
            f"Moscow's opinion over time. Bars: {len(dated)} statements over the years they are "
            f"dated to; numbers on top: statements per year; diamonds: average stance of a year "
            f"with at least {queries.MIN_YEARLY}."
        )
        if len(undated):
            caption += (
                f" Right: the {len(undated)} statements the source does not date more closely "
                f"than the whole record ({self.record}), by stance."
            )
        return self.figure(chart, caption, alt_text)

    def timeline_chart(self) -> charts.Figure | m.Html:
        """Events involving the actor, including the ones that did not happen."""
        return self.events_figure(
            self.events,
            f"involving {self.name(self.actor_id)}",
            "No dated events involving this actor fall in the period.",
            "the table below tells each one, with how Moscow framed it",
        )

    def timeline_table(self) -> m.Html:
        """The events as a table: date, what happened, how Moscow framed it, source."""
        if self.events.empty:
            return m.empty("No dated events involving this actor fall in the period.")
        return events_table(self, self.events)

    def themes_chart(self) -> charts.Figure | m.Html:
        """How many of Moscow's statements fall under each theme, by stance."""
        if self.claims.empty:
            return m.empty("No coded statements in this cut.")
        chart = charts.theme_bars(self.claims, self.labels("theme"), self.labels("stance"))
        top = self.claims["theme"].value_counts()
        alt_text = (
            f"Bar chart of {len(self.claims)} Moscow statements about "
            f"{self.name(self.actor_id)} by theme, stacked by stance; the largest theme "
            f"is {self.label('theme', top.index[0])} with {int(top.iloc[0])}."
        )
        return self.figure(
            chart,
            f"All {len(self.claims)} statements of Moscow's view about "
            f"{self.name(self.actor_id)} by theme and stance, {self.period}, including those "
            "printed under relations and what Moscow wants.",
            alt_text,
        )

    def views_by_theme(self) -> m.Html:
        """Moscow's statements under each theme, except those printed in a later section
        (each theme says how many of its statements those sections hold)."""
        if self.claims.empty:
            return m.empty("No coded statements in this cut.")
        own = self.claims[~self.printed_elsewhere]
        later = self.claims[self.printed_elsewhere]
        return group_claims(
            self,
            own,
            "theme",
            self.labels("theme"),
            elsewhere=later,
            where="under what Moscow wants",
        )

    def relations_section(self) -> m.Html:
        """Moscow's view of the actor's relations with each other actor: what the others do
        toward it in full; its own statements toward them counted, as the themes print them."""
        relations = self.own_relations
        if relations.empty:
            return m.empty("The data relate this actor to no other in this cut.")
        names = {a: f"With {self.name(a)}" for a in _ordered(relations["other_id"], self.dataset)}
        return group_claims(
            self,
            relations[~relations["elsewhere"]],
            "other_id",
            names,
            elsewhere=relations[relations["elsewhere"]],
            where=f"among the views by theme or what Moscow wants (statements about "
            f"{self.name(self.actor_id)} itself)",
        )

    def expectations_section(self) -> m.Html:
        """Expectations and scenarios, with horizon, likelihood and signposts (in a summary,
        the two Moscow holds most likely)."""
        if self.expectations.empty:
            return m.empty("The data hold no expectations about this actor for the period.")
        shown = self.expectations
        if self.options.detail == "summary":
            shown = shown.head(SUMMARY_EXPECTATIONS)
        return expectations_table(self, shown, self.signposts)

    def wants_section(self) -> m.Html:
        """What Moscow wants from or for the actor."""
        return self.claim_list(
            self.wants,
            "The record holds no explicit Moscow prescription concerning this actor in this cut.",
            badge=False,
        )

    def reviewer_section(self) -> m.Html:
        """The source author's own judgment: first where it differs from the book."""
        return reviewer_groups(self, self.reviewer_claims)

    def passages(self) -> m.Html:
        """Every passage the briefing's sections cite (the summary's only), in full."""
        evidence = [ev for _, ev in self.key_judgments()]
        if self.options.detail == "summary":
            shown = self.expectations.head(SUMMARY_EXPECTATIONS)
            posts = self.signposts[self.signposts["expectation_ref"].isin(shown["expectation_id"])]
            return self.passages_for(*evidence, shown, posts, self.wants)
        return self.passages_for(
            *evidence,
            self.claims,
            self.reviewer_claims,
            self.events,
            self.relations,
            self.expectations,
            self.signposts,
            self.wants,
        )


def group_claims(
    briefing: Briefing,
    claims: pd.DataFrame,
    by: str,
    headings: Mapping[Any, str],
    elsewhere: pd.DataFrame | None = None,
    where: str = "",
    sides: dict[str, str] | None = None,
) -> m.Html:
    """Claims under a heading per value of ``by`` (in ``headings`` order), each in full once.

    ``elsewhere`` are claims of the same groups that another section prints (``where`` says
    which): each heading says how many, so the group is whole without printing them twice.
    ``sides`` (a value of the claims' :data:`SIDE` column → its sub-heading) prints each
    side's claims under its own sub-heading, and a group only when every side has claims in
    it (a comparison needs both).
    """
    parts = []
    for code, heading in headings.items():
        blocks = _sides(claims[claims[by] == code], sides)
        later = 0 if elsewhere is None else int((elsewhere[by] == code).sum())
        if not blocks and not later:
            continue
        parts.append(m.tag("h3", heading))
        for subheading, rows in blocks:
            if subheading:
                parts.append(m.tag("p", subheading, class_="side"))
            parts.append(briefing.claim_list(rows, "", badge=False))
        if later:
            noun = "statement is" if later == 1 else "statements are"
            parts.append(m.note(f"{later} more {noun} printed {where}."))
    return m.join(parts)


def _sides(rows: pd.DataFrame, sides: dict[str, str] | None) -> list[tuple[str, pd.DataFrame]]:
    """A group's claims as (sub-heading, rows) blocks: one unheaded block without ``sides``,
    else one per side, or none unless every side has claims."""
    if sides is None:
        return [("", rows)] if len(rows) else []
    blocks = [(subheading, rows[rows[SIDE] == side]) for side, subheading in sides.items()]
    return blocks if all(len(b) for _, b in blocks) else []


def reviewer_groups(briefing: Briefing, claims: pd.DataFrame) -> m.Html:
    """The source author's judgments: reservations about the book first, then the rest."""
    if claims.empty:
        return m.empty("The source author adds no judgment of their own here in this cut.")
    headings = {
        True: "Where the source author differs from the book",
        False: "The source author's other observations",
    }
    marked = claims.assign(reservation=claims["claim_kind"] == RESERVATION)
    return group_claims(briefing, marked, RESERVATION, headings)


def _ordered(actor_ids: pd.Series, dataset: Dataset) -> list[str]:
    """Distinct actor ids in the actors table's order."""
    present = set(actor_ids)
    return [a for a in dataset.actors["actor_id"] if a in present]


def events_table(briefing: Briefing, events: pd.DataFrame) -> m.Html:
    """Events as a table: date (with its basis), event and what happened, how Moscow framed
    it, and where a date from outside the text comes from."""
    rows = []
    for e in events.to_dict("records"):
        date = m.escape(e["date"])
        story = [m.tag("strong", f"{e['event_title']}.")]
        if not e["occurred"]:
            story.append(m.tag("span", "did not happen", class_="badge not-happened"))
        story.append(e["what_happened"])
        if e["date_basis"] != "stated":
            basis = briefing.label("date_basis", e["date_basis"]).lower()
            date += m.tag("span", basis, class_="meta")
            if e["note"]:
                story.append(m.tag("span", f"Date {basis}: {e['note']}", class_="meta"))
        rows.append(
            [
                date,
                m.join(story, " "),
                m.with_quote(e["framing"], e["quote"], e["what_happened"]),
                briefing.cite(e),
            ]
        )
    return m.table(
        ["Date", "Event and what happened", "How Moscow framed it", "Source"],
        rows,
        class_="data events",
    )


def signpost_status(briefing: Briefing, signpost: Mapping[str, Any]) -> m.Html:
    """A signpost's status as of a date; any status but "open" cites the public record it
    comes from and is marked as from outside the coded record."""
    status = briefing.label("signpost_status", signpost["status"])
    text = f"{status} as of {signpost['status_as_of']}"
    if signpost["status"] == "open":
        return m.tag("span", text, class_="status status-open")
    record = m.tag("a", signpost["status_record"], href=signpost["status_url"])
    note = f" {signpost['status_note']}" if signpost["status_note"] else ""
    return m.tag(
        "span",
        m.join([f"{text} (from outside the record):{note} ", record]),
        class_="status status-external",
    )


def expectations_table(
    briefing: Briefing, expectations: pd.DataFrame, signposts: pd.DataFrame
) -> m.Html:
    """Expectations with their horizon, likelihood and signposts."""
    rows = []
    marked: dict[str, list[dict]] = {}
    for s in signposts.to_dict("records"):
        marked.setdefault(s["expectation_ref"], []).append(s)
    for x in expectations.to_dict("records"):
        posts = [
            m.join(
                [
                    f"{briefing.label('effect', s['effect'])}: {s['signpost']}",
                    briefing.cite(s),
                    signpost_status(briefing, s),
                ],
                " ",
            )
            for s in marked.get(x["expectation_id"], [])
        ]
        outlook = m.join(
            [
                m.view_badge(x["view"], briefing.label("view", x["view"])),
                m.with_quote(x["statement"], x["quote"]),
                briefing.cite(x),
            ],
            " ",
        )
        rows.append(
            [
                outlook,
                x["horizon"],
                briefing.label("likelihood", x["likelihood"]),
                m.bullets(posts) if posts else "—",
            ]
        )

    return m.table(
        ["Expectation", "Horizon", "Likelihood", "Signposts"], rows, class_="data expectations"
    )
